/**
 * A country peer in Node (the test process): the same model, identity and sync code as
 * the app, over real WebRTC (@roamhq/wrtc). Used to seed large countries and to play a
 * malicious peer that edits the shared document directly, as any peer could.
 */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import type { Room } from 'y-webrtc';
import * as Y from 'yjs';
import {
	generateIdentity,
	signRecord,
	unlockIdentity,
	type UnlockedIdentity
} from '../../../src/lib/identity';
import {
	encodeInvitation,
	makeCitizen,
	makeGenesis,
	makePost,
	type AnyRecord,
	type SignedEntry
} from '../../../src/lib/model';
import { openCountryDocs, type CountryDocs } from '../../../src/lib/sync';
import { CountryConnection } from '../../../src/lib/sync/peers';
import type { RtcImplementation } from '../../../src/lib/sync/chunked-rtc';
import { nodeDeflate } from '../../../src/lib/sync/node-deflate';

// y-webrtc signals over the global WebSocket (STACK.md, gotcha 3).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export const nodeRtc = wrtc as unknown as RtcImplementation;

export type SignedRecord = { id: string; entry: SignedEntry };

export async function makeFounder(name = 'Seeder'): Promise<UnlockedIdentity> {
	const made = await generateIdentity({ name, passphrase: 'seed passphrase' });
	if (!made.ok) throw new Error(made.message);
	const unlocked = await unlockIdentity(made.value, 'seed passphrase');
	if (!unlocked.ok) throw new Error(unlocked.message);
	return unlocked.value;
}

export async function signWith(
	founder: UnlockedIdentity,
	record: AnyRecord
): Promise<SignedRecord> {
	const signed = await signRecord(founder, record);
	if (!signed.ok) throw new Error(signed.message);
	return signed.value;
}

/** An open country with `posts` posts of about `postBytes` each, all signed by its founder. */
export async function seedCountry(options: {
	founder: UnlockedIdentity;
	name: string;
	posts: number;
	postBytes: number;
}): Promise<{ countryId: string; records: SignedRecord[] }> {
	const { founder } = options;
	const at = Date.now();
	const genesis = await signWith(
		founder,
		makeGenesis({
			author: founder.key.fingerprint,
			at,
			name: options.name,
			constitution: { admission: 'open', seats: 3, termDays: 90 },
			founderKey: founder.key.publicKey
		})
	);
	const countryId = genesis.id;
	const records = [genesis];
	records.push(
		await signWith(
			founder,
			makeCitizen({
				country: countryId,
				author: founder.key.fingerprint,
				at,
				name: founder.key.name,
				publicKey: founder.key.publicKey,
				admission: { type: 'founder' }
			})
		)
	);
	const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';
	for (let i = 0; i < options.posts; i++) {
		const body = `Post ${i}. ${filler.repeat(Math.ceil(options.postBytes / filler.length))}`.slice(
			0,
			options.postBytes
		);
		records.push(
			await signWith(
				founder,
				makePost({
					country: countryId,
					author: founder.key.fingerprint,
					at: at + 1 + i,
					title: `Post number ${i}`,
					body,
					tags: ['seed']
				})
			)
		);
	}
	return { countryId, records };
}

export class NodePeer {
	readonly docs: CountryDocs;
	readonly connection: CountryConnection;

	constructor(countryId: string, options: { signaling: string[]; secret: string | null }) {
		this.docs = openCountryDocs(countryId, { persist: false });
		this.connection = new CountryConnection(this.docs, {
			...options,
			rtc: nodeRtc,
			deflate: nodeDeflate
		});
	}

	get records(): Y.Map<unknown> {
		return this.docs.records;
	}

	/**
	 * Write entries in transactions of about 64 KiB, as the app does, to the public document
	 * or (with the secret) to the citizens' one.
	 */
	write(records: SignedRecord[], part: 'public' | 'citizens' = 'public'): void {
		const [doc, map] =
			part === 'public'
				? [this.docs.publicDoc, this.docs.records]
				: [this.docs.citizensDoc, this.docs.citizensRecords];
		let batch: SignedRecord[] = [];
		let bytes = 0;
		const flush = () => {
			doc.transact(() => {
				for (const { id, entry } of batch) map.set(id, { ...entry });
			});
			batch = [];
			bytes = 0;
		};
		for (const record of records) {
			batch.push(record);
			bytes += record.entry.record.length + record.entry.signature.length;
			if (bytes > 64 * 1024) flush();
		}
		if (batch.length) flush();
	}

	/** Send bytes as they are on every open data channel of the public room (a bad peer). */
	sendRaw(bytes: Uint8Array): void {
		const provider = this.connection.providers[0]!;
		provider.room?.webrtcConns.forEach((conn) => conn.peer.send(bytes));
	}

	/**
	 * The rooms once opened, public first. y-webrtc opens a room only when its key promise
	 * settles, and a room with a secret first derives that key (PBKDF2, slow under load):
	 * until then `provider.room` is null, whatever the other room has already received.
	 */
	async rooms(): Promise<Room[]> {
		const { providers } = this.connection;
		await Promise.all(providers.map((p) => p.key));
		return providers.map((p) => {
			// Null after the key: openRoom threw (this process already holds that room name).
			if (!p.room) throw new Error(`node peer did not open room ${p.roomName}`);
			return p.room;
		});
	}

	async waitForRecords(count: number, timeoutMs = 20_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.records.size < count) {
			if (Date.now() > deadline) {
				throw new Error(`node peer has ${this.records.size} of ${count} records`);
			}
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	async close(): Promise<void> {
		await this.connection.destroyed();
		await this.docs.destroy();
	}
}

export function inviteUrl(
	baseUrl: string,
	invitation: { country: string; name: string; secret: string; signaling: string[] }
): string {
	return `${baseUrl}/join#${encodeInvitation({ ...invitation, invite: null })}`;
}
