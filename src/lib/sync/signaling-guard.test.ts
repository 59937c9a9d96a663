import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import {
	guardSignaling,
	isSignalingPayload,
	opensWith,
	type GuardedConn,
	type GuardedProvider,
	type SignalingDrop
} from './signaling-guard';

/** A room key as y-webrtc derives it from a secret (PBKDF2 over the room name). */
async function roomKey(secret: string, room: string): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey(
		'raw',
		new TextEncoder().encode(secret),
		'PBKDF2',
		false,
		['deriveKey']
	);
	return crypto.subtle.deriveKey(
		{ name: 'PBKDF2', salt: new TextEncoder().encode(room), iterations: 1000, hash: 'SHA-256' },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['encrypt', 'decrypt']
	);
}

/** A payload sealed as y-webrtc's `encryptJson` seals it, then base64 as it publishes it. */
async function seal(data: unknown, key: CryptoKey, algorithm = 'AES-GCM'): Promise<string> {
	const plain = encoding.createEncoder();
	encoding.writeAny(plain, data as never);
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const cipher = await crypto.subtle.encrypt(
		{ name: 'AES-GCM', iv },
		key,
		encoding.toUint8Array(plain)
	);
	const out = encoding.createEncoder();
	encoding.writeVarString(out, algorithm);
	encoding.writeVarUint8Array(out, iv);
	encoding.writeVarUint8Array(out, new Uint8Array(cipher));
	return btoa(String.fromCharCode(...encoding.toUint8Array(out)));
}

const ROOM = 'webocracy/c1/citizens';
const PUBLIC = 'webocracy/c1/public';

async function setup() {
	const key = await roomKey('the secret', ROOM);
	const wrongKey = await roomKey('an old secret', ROOM);
	// One peer, 'known', is connected in each room.
	const citizens: GuardedProvider = {
		roomName: ROOM,
		room: { key, peerId: 'me', webrtcConns: new Map([['known', {}]]), bcConns: new Set(['tab']) }
	};
	const open: GuardedProvider = {
		roomName: PUBLIC,
		room: {
			key: null,
			peerId: 'me',
			webrtcConns: new Map([['known', {}]]),
			bcConns: new Set(['tab'])
		}
	};
	const seen: unknown[] = [];
	const original = vi.fn((message: unknown) => void seen.push(message));
	const conn: GuardedConn = {
		providers: new Set([citizens, open]),
		_observers: new Map([['message', new Set([original])]])
	};
	const drops: [string, SignalingDrop][] = [];
	guardSignaling(conn, (provider, reason) => drops.push([provider.roomName, reason]));
	/** What lib0's websocket client does with each incoming message. */
	const emit = (message: unknown) => {
		for (const listener of [...conn._observers.get('message')!]) listener(message, conn);
	};
	/** Wait until the guard has passed on or dropped `count` messages. */
	const settle = (count: number) =>
		vi.waitFor(
			() => {
				if (seen.length + drops.length < count) throw new Error('still opening');
			},
			{ timeout: 10_000, interval: 5 }
		);
	return { key, wrongKey, conn, emit, settle, seen, original, drops };
}

const announce = (from: string) => ({ type: 'announce', from });

describe('guardSignaling', () => {
	it('hands y-webrtc the encrypted room’s messages it can open, in their order', async () => {
		const { key, emit, settle, seen, drops } = await setup();
		const messages = await Promise.all(
			['a', 'b', 'c', 'd'].map(async (from) => ({
				type: 'publish',
				topic: ROOM,
				data: await seal(announce(from), key)
			}))
		);
		for (const m of messages) emit(m);
		await settle(4);
		expect(seen).toEqual(messages);
		expect(drops).toEqual([]);
	});

	it('drops and counts a message sealed with another secret: no OperationError escapes', async () => {
		const { key, wrongKey, emit, settle, seen, drops } = await setup();
		const rejections: unknown[] = [];
		const onRejection = (reason: unknown) => rejections.push(reason);
		process.on('unhandledRejection', onRejection);
		try {
			const good = { type: 'publish', topic: ROOM, data: await seal(announce('a'), key) };
			emit({ type: 'publish', topic: ROOM, data: await seal(announce('x'), wrongKey) });
			emit(good);
			await settle(2);
			expect(seen).toEqual([good]);
			expect(drops).toEqual([[ROOM, 'undecryptable']]);
			expect(rejections).toEqual([]);
		} finally {
			process.off('unhandledRejection', onRejection);
		}
	});

	it.each([
		['not a string', async () => ({ some: 'object' })],
		['not base64', async () => '%%%not base64%%%'],
		['too short to hold an iv', async () => btoa('\x07AES-GCM')],
		['another algorithm', async (key: CryptoKey) => seal(announce('a'), key, 'AES-CBC')],
		['a payload with no sender', async (key: CryptoKey) => seal({ type: 'announce' }, key)],
		[
			'a signal with nothing in it',
			async (key: CryptoKey) => seal({ type: 'signal', from: 'a', to: 'b' }, key)
		]
	])('drops an encrypted room’s message that is %s, as malformed', async (_, make) => {
		const { key, emit, settle, seen, drops } = await setup();
		emit({ type: 'publish', topic: ROOM, data: await make(key) });
		await settle(1);
		expect(seen).toEqual([]);
		expect(drops).toEqual([[ROOM, 'malformed']]);
	});

	// y-webrtc reads the connection to an answer's sender: an answer meant for this peer from
	// a peer it has no connection to throws there.
	it('passes an answer from a connected peer and drops one from a stranger, in both rooms', async () => {
		const { key, emit, settle, seen, drops } = await setup();
		const answer = (from: string) => ({ type: 'signal', from, signal: { type: 'answer' } });
		const fromKnown = { type: 'publish', topic: PUBLIC, data: answer('known') };
		emit(fromKnown);
		emit({ type: 'publish', topic: PUBLIC, data: answer('stranger') });
		const sealedKnown = { type: 'publish', topic: ROOM, data: await seal(answer('known'), key) };
		emit(sealedKnown);
		emit({ type: 'publish', topic: ROOM, data: await seal(answer('stranger'), key) });
		await settle(4);
		expect(seen).toEqual([fromKnown, sealedKnown]);
		expect(drops).toEqual([
			[PUBLIC, 'malformed'],
			[ROOM, 'malformed']
		]);
	});

	it('refuses offers from new peers once a room holds maxConns connections, in both rooms', async () => {
		const { key, conn, emit, settle, seen, drops } = await setup();
		for (const provider of conn.providers as Set<GuardedProvider>) provider.maxConns = 3;
		const offer = (from: string, to = 'me') => ({
			type: 'signal',
			from,
			to,
			signal: { type: 'offer', sdp: 'v=0' }
		});
		const publicRoom = [...(conn.providers as Set<GuardedProvider>)].find(
			(p) => p.roomName === PUBLIC
		)!;
		const flood = Array.from({ length: 5 }, (_, i) => ({
			type: 'publish',
			topic: PUBLIC,
			data: offer(`stranger-${i}`)
		}));
		for (const [i, message] of flood.entries()) {
			emit(message);
			// y-webrtc opens a connection for each offer it takes.
			if (seen.includes(message)) publicRoom.room!.webrtcConns.set(`stranger-${i}`, {});
		}
		// 'known' was there: two more fit under 3, the other three are refused.
		expect(seen).toEqual(flood.slice(0, 2));
		expect(drops).toEqual([
			[PUBLIC, 'refused'],
			[PUBLIC, 'refused'],
			[PUBLIC, 'refused']
		]);
		// A full room still takes a renegotiation from a peer it holds, offers meant for other
		// peers (y-webrtc ignores them unread), and answers.
		const passing = [
			{ type: 'publish', topic: PUBLIC, data: offer('known') },
			{ type: 'publish', topic: PUBLIC, data: offer('someone', 'someone else') },
			{ type: 'publish', topic: PUBLIC, data: offer('tab') }
		];
		for (const message of passing) emit(message);
		expect(seen.slice(2)).toEqual(passing);
		// The citizens' room, sealed: its own count, the same rule.
		const citizens = [...(conn.providers as Set<GuardedProvider>)].find(
			(p) => p.roomName === ROOM
		)!;
		citizens.room!.webrtcConns.set('other', {}).set('another', {});
		const sealed = { type: 'publish', topic: ROOM, data: await seal(offer('late'), key) };
		emit(sealed);
		await settle(seen.length + drops.length + 1);
		expect(drops.at(-1)).toEqual([ROOM, 'refused']);
		expect(seen).not.toContain(sealed);
	});

	// y-webrtc ignores, before reading them, messages for another peer, its own and those of a
	// tab of this browser: in a room of three, answers between the other two pass every peer.
	it('passes answers y-webrtc ignores unread: for another peer, its own, a tab’s', async () => {
		const { key, emit, settle, seen, drops } = await setup();
		const answers = [
			{ type: 'signal', from: 'stranger', to: 'someone else', signal: { type: 'answer' } },
			{ type: 'signal', from: 'me', signal: { type: 'answer' } },
			{ type: 'signal', from: 'tab', signal: { type: 'answer' } }
		];
		const plain = answers.map((data) => ({ type: 'publish', topic: PUBLIC, data }));
		for (const message of plain) emit(message);
		const sealed = [];
		for (const data of answers)
			sealed.push({ type: 'publish', topic: ROOM, data: await seal(data, key) });
		for (const message of sealed) emit(message);
		await settle(6);
		expect(seen).toEqual([...plain, ...sealed]);
		expect(drops).toEqual([]);
		// Addressed to this peer, from a stranger: still dropped.
		emit({
			type: 'publish',
			topic: PUBLIC,
			data: { type: 'signal', from: 'stranger', to: 'me', signal: { type: 'answer' } }
		});
		expect(drops).toEqual([[PUBLIC, 'malformed']]);
	});

	it('a throw in y-webrtc’s handler is counted as a drop, not left uncaught', async () => {
		const { emit, original, drops, key } = await setup();
		original.mockImplementation(() => {
			throw new TypeError('not a valid enum value of type RTCSdpType');
		});
		expect(() => emit({ type: 'publish', topic: PUBLIC, data: announce('a') })).not.toThrow();
		emit({ type: 'publish', topic: ROOM, data: await seal(announce('b'), key) });
		await vi.waitFor(() => expect(drops).toHaveLength(2));
		expect(drops).toEqual([
			[PUBLIC, 'malformed'],
			[ROOM, 'malformed']
		]);
	});

	it('checks an open room’s messages at once, without waiting', async () => {
		const { emit, seen, drops } = await setup();
		const good = { type: 'publish', topic: PUBLIC, data: announce('a') };
		emit(good);
		emit({ type: 'publish', topic: PUBLIC, data: { type: 'signal', from: 'a' } });
		emit({ type: 'publish', topic: PUBLIC, data: null });
		expect(seen).toEqual([good]);
		expect(drops).toEqual([
			[PUBLIC, 'malformed'],
			[PUBLIC, 'malformed']
		]);
	});

	it('passes on, untouched and at once, what is not for its rooms', async () => {
		const { emit, seen, drops } = await setup();
		const other = { type: 'publish', topic: 'someone/else', data: 'anything' };
		const pong = { type: 'pong' };
		emit(other);
		emit(pong);
		emit(null);
		expect(seen).toEqual([other, pong, null]);
		expect(drops).toEqual([]);
	});

	it('guards a shared connection once, however many rooms use it', async () => {
		const { conn, key, emit, settle, original } = await setup();
		guardSignaling(conn, () => {});
		expect(conn._observers.get('message')!.size).toBe(1);
		emit({ type: 'publish', topic: ROOM, data: await seal(announce('a'), key) });
		await settle(1);
		expect(original).toHaveBeenCalledTimes(1);
	});
});

describe('opensWith and isSignalingPayload', () => {
	it('opens what was sealed with the key', async () => {
		const key = await roomKey('s', ROOM);
		expect(await opensWith(await seal(announce('a'), key), key)).toBeNull();
	});

	it.each([
		[{ type: 'announce', from: 'a' }, true],
		[{ type: 'signal', from: 'a', signal: { type: 'offer' } }, true],
		[{ type: 'signal', from: 'a', signal: null }, false],
		[{ type: 'announce', from: 3 }, false],
		['text', false],
		[null, false]
	])('%j is a payload y-webrtc can read: %s', (data, ok) => {
		expect(isSignalingPayload(data)).toBe(ok);
	});
});

describe('isSignalingPayload: signals simple-peer takes without throwing', () => {
	const signal = (body: unknown) => ({ type: 'signal', from: 'known', to: 'me', signal: body });
	it.each([
		['an offer', { type: 'offer', sdp: 'v=0' }],
		['an answer', { type: 'answer', sdp: 'v=0' }],
		['a candidate', { type: 'candidate', candidate: { candidate: 'c', sdpMid: '0' } }],
		['a candidate by line index', { candidate: { candidate: 'c', sdpMLineIndex: 0 } }],
		['a renegotiation request', { renegotiate: true }]
	])('passes %s', (_, body) => {
		expect(isSignalingPayload(signal(body))).toBe(true);
	});
	it.each([
		['a description of an unknown type', { type: 'bogus', sdp: 'v=0' }],
		['a description that is not text', { type: 'offer', sdp: { x: 1 } }],
		['a candidate that is text', { candidate: 'c' }],
		['a candidate with no line', { candidate: { candidate: 'c' } }],
		['a candidate with no text', { candidate: { sdpMid: '0' } }],
		['a transceiver request', { transceiverRequest: { kind: 'video' } }],
		['no signal at all', null]
	])('drops %s', (_, body) => {
		expect(isSignalingPayload(signal(body))).toBe(false);
	});
});
