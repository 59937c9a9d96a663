/**
 * y-webrtc relays every document update over BroadcastChannel as well as to its WebRTC
 * peers, for other tabs of this browser in the same room, even when there are none. That
 * post costs the main thread more than parsing the record it carries, and on a reader it
 * comes between the update and the record's check. Here a room's relay skips the
 * BroadcastChannel while no tab of this browser has said it is in the room.
 *
 * Nothing is lost by skipping: a tab that opens later announces itself and then asks for
 * the whole state (sync step 1), and y-webrtc answers from the document as it is then.
 * Unencrypted rooms only: there, y-webrtc reads BroadcastChannel messages in the order they
 * came, so the announcement is counted before the request is answered. In an encrypted room
 * each message is decrypted on its own and the two may be read the other way round; an
 * update skipped in between would never reach the new tab. Those rooms keep the stock relay.
 */
import type * as Y from 'yjs';
import type { WebrtcProvider } from 'y-webrtc';
import * as encoding from 'lib0/encoding';
import { writeUpdate } from 'y-protocols/sync';

/** The parts of y-webrtc's Room (10.3) this relies on. */
type RoomInternals = {
	doc: Y.Doc;
	key: CryptoKey | null;
	bcconnected: boolean;
	/** Peer ids of the tabs of this browser in the room, as they announced themselves. */
	bcConns: Set<string>;
	webrtcConns: Map<string, { peer: { send(message: Uint8Array): void } }>;
	_docUpdateHandler: (update: Uint8Array, origin: unknown) => void;
};

const MESSAGE_SYNC = 0;

function isRoomInternals(room: unknown): room is RoomInternals {
	const r = room as Partial<RoomInternals> | null;
	return (
		typeof r === 'object' &&
		r !== null &&
		typeof r._docUpdateHandler === 'function' &&
		r.bcConns instanceof Set &&
		r.webrtcConns instanceof Map &&
		typeof r.doc?.on === 'function'
	);
}

/**
 * Once the provider's room is open, relay its updates over BroadcastChannel only while
 * another tab is in the room. Returns whether the room's relay was replaced (false: an
 * encrypted room, or a y-webrtc whose internals are not the ones this knows).
 */
export async function relayToTabsOnlyWhenPresent(provider: WebrtcProvider): Promise<boolean> {
	// y-webrtc opens (and connects) the room when this settles, in a callback registered first.
	await provider.key;
	const room: unknown = provider.room;
	if (!isRoomInternals(room) || room.key !== null) return false;
	const stock = room._docUpdateHandler;
	const relay = (update: Uint8Array, origin: unknown) => {
		if (room.bcConns.size > 0) return stock(update, origin);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		writeUpdate(encoder, update);
		const message = encoding.toUint8Array(encoder);
		// As y-webrtc's own relay: a peer whose channel just closed must not stop the others.
		room.webrtcConns.forEach((conn) => {
			try {
				conn.peer.send(message);
			} catch {
				// that peer is leaving
			}
		});
	};
	// connect() and disconnect() add and remove whatever handler the room holds then.
	room._docUpdateHandler = relay;
	if (room.bcconnected) {
		room.doc.off('update', stock);
		room.doc.on('update', relay);
	}
	return true;
}
