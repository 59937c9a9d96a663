/**
 * One y-webrtc peer in its own process (y-webrtc keeps a module-global room map, so two
 * providers for one room cannot share a process). IPC: sends { name, map, webrtcPeers,
 * bcPeers } once it sees every expected key; exits on 'stop'.
 * argv: signalingUrl room name expectedKeys(comma-separated) [password]
 */
import { WebSocket } from 'ws';
import * as Y from 'yjs';

const [url, room, name, expected, password] = process.argv.slice(2);
if (!url || !room || !name || !expected) throw new Error('usage: url room name key1,key2');
const expectedKeys = expected.split(',');

// y-webrtc opens its signaling sockets with the global WebSocket (STACK.md, gotcha 3).
// reason: ws's WebSocket and the DOM's are compatible for y-webrtc's use but not as types.
globalThis.WebSocket = /** @type {any} */ (WebSocket);
const { WebrtcProvider } = await import('y-webrtc');
const wrtc = (await import('@roamhq/wrtc')).default;

const doc = new Y.Doc();
const map = doc.getMap('m');
let reported = false;
const report = () => {
	if (reported || !expectedKeys.every((key) => map.has(key))) return;
	reported = true;
	const state = /** @type {{ webrtcConns: Map<string, unknown>, bcConns: Set<string> } | null} */ (
		provider.room
	);
	process.send?.({
		name,
		map: map.toJSON(),
		webrtcPeers: state?.webrtcConns.size ?? 0,
		bcPeers: state?.bcConns.size ?? 0
	});
};
// Observe before the provider connects (STACK.md, gotcha 3).
map.observe(report);

const provider = new WebrtcProvider(room, doc, {
	signaling: [url],
	// With a password, y-webrtc encrypts its signaling payloads: base64 strings on the wire.
	password: password || undefined,
	// Peers in different processes never share a BroadcastChannel; keep it out anyway so
	// only WebRTC can carry the document.
	filterBcConns: true,
	peerOpts: { wrtc, config: { iceServers: [] } }
});
map.set(name, `hello from ${name}`);
report();

/** What a stuck run needs to show: is signaling up, and where each peer connection stands. */
function status() {
	// simple-peer's internals (initiator, _pc) are untyped in y-webrtc's JSDoc: name what we read.
	/** @typedef {{ iceConnectionState: string, signalingState: string }} PcView */
	/** @typedef {{ connected: boolean, synced: boolean, closed: boolean, peer: { initiator: boolean, _pc?: PcView } }} ConnView */
	const room = /** @type {{ webrtcConns: Map<string, ConnView> } | null} */ (
		/** @type {unknown} */ (provider.room)
	);
	return {
		name,
		keys: [...map.keys()],
		signaling: provider.signalingConns.map((conn) => conn.connected),
		conns: [...(room?.webrtcConns ?? new Map()).entries()].map(([id, conn]) => ({
			id: id.slice(0, 8),
			initiator: conn.peer.initiator,
			connected: conn.connected,
			synced: conn.synced,
			closed: conn.closed,
			ice: conn.peer._pc?.iceConnectionState,
			signalingState: conn.peer._pc?.signalingState
		}))
	};
}

process.on('message', (message) => {
	if (message === 'status') process.send?.({ status: status() });
	if (message === 'stop') {
		provider.destroy();
		doc.destroy();
		process.exit(0);
	}
});
