/**
 * y-webrtc relays every document update over BroadcastChannel as well as to its WebRTC
 * peers, for other tabs of this browser in the same room, and does it at once: on a
 * reader, the post comes between the update and the record's check and cost the main
 * thread more than parsing the record. Here, in the public room, the WebRTC peers still get
 * each update at once, and the BroadcastChannel post follows a moment later
 * (TAB_RELAY_DELAY_MS), after the check and the view. Every update is still posted, in the
 * order it came: Yjs applies updates in any order anyway. y-webrtc's list of tabs
 * (`bcConns`) is not used to skip posts: it can be empty or stale while a tab is there.
 *
 * Unencrypted rooms only: an encrypted room's posts are sealed with y-webrtc's own code,
 * which it does not export, so the citizens' room keeps the stock relay.
 */
import type * as Y from 'yjs';
import type { WebrtcProvider } from 'y-webrtc';
import { publish } from 'lib0/broadcastchannel';
import { SYNC_UPDATE, syncMessage } from './messages';

/** Later than a live record's check and view take, sooner than a frame. */
export const TAB_RELAY_DELAY_MS = 8;

/** The parts of y-webrtc's Room (10.3) this relies on. */
type RoomInternals = {
	name: string;
	doc: Y.Doc;
	key: CryptoKey | null;
	bcconnected: boolean;
	webrtcConns: Map<string, { peer: { send(message: Uint8Array): void } }>;
	/** y-webrtc's lock around BroadcastChannel traffic (lib0 mutex). */
	mux: (f: () => void) => void;
	_docUpdateHandler: (update: Uint8Array, origin: unknown) => void;
};

function isRoomInternals(room: unknown): room is RoomInternals {
	const r = room as Partial<RoomInternals> | null;
	return (
		typeof r === 'object' &&
		r !== null &&
		typeof r.name === 'string' &&
		typeof r._docUpdateHandler === 'function' &&
		typeof r.mux === 'function' &&
		r.webrtcConns instanceof Map &&
		typeof r.doc?.on === 'function'
	);
}

/**
 * Once the provider's room is open, relay its updates to other tabs a moment after WebRTC
 * peers. Returns whether the room's relay was replaced (false: an encrypted room, or a
 * y-webrtc whose internals are not the ones this knows).
 */
export async function relayToTabsAfterPeers(provider: WebrtcProvider): Promise<boolean> {
	// y-webrtc opens (and connects) the room when this settles, in a callback registered first.
	await provider.key;
	const room: unknown = provider.room;
	if (!isRoomInternals(room) || room.key !== null) return false;
	const stock = room._docUpdateHandler;
	/** Messages for the other tabs, oldest first, and the timer that posts them. */
	const waiting: Uint8Array[] = [];
	let timer: ReturnType<typeof setTimeout> | null = null;
	const postWaiting = () => {
		timer = null;
		// As y-webrtc's own post: under its lock, to whatever tabs listen now.
		for (const message of waiting.splice(0)) room.mux(() => publish(room.name, message));
	};
	const relay = (update: Uint8Array) => {
		const message = syncMessage(SYNC_UPDATE, update);
		// As y-webrtc's own relay: a peer whose channel just closed must not stop the others.
		room.webrtcConns.forEach((conn) => {
			try {
				conn.peer.send(message);
			} catch {
				// that peer is leaving
			}
		});
		if (!room.bcconnected) return;
		waiting.push(message);
		timer ??= setTimeout(postWaiting, TAB_RELAY_DELAY_MS);
	};
	// connect() and disconnect() add and remove whatever handler the room holds then.
	room._docUpdateHandler = relay;
	if (room.bcconnected) {
		room.doc.off('update', stock);
		room.doc.on('update', relay);
	}
	return true;
}
