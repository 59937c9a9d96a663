/**
 * A plain y-webrtc peer, for a browser page: stock yjs and y-webrtc from node_modules, and no
 * Webocracy code at all (only the test's wire tap, which observes). It joins one room and
 * leaves its document on `window` for the test to read and write, as any peer could.
 * Bundled at test time by plain-peer.ts; the page's query names the room, the signaling
 * server and the shared map.
 */
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { installWireTap } from './wire-tap';

const query = new URLSearchParams(location.search);
const room = query.get('room');
const signaling = query.get('signaling');
const mapName = query.get('map');
if (!room || !signaling || !mapName) throw new Error('plain peer: room, signaling and map needed');

installWireTap();
const doc = new Y.Doc();
const provider = new WebrtcProvider(room, doc, {
	signaling: [signaling],
	// The test network has no STUN server: host candidates only, as y-webrtc's docs allow.
	peerOpts: { config: { iceServers: [] } }
});

export type PlainPeerGlobals = {
	Y: typeof Y;
	doc: Y.Doc;
	records: Y.Map<unknown>;
	provider: WebrtcProvider;
};

(globalThis as unknown as { plainPeer: PlainPeerGlobals }).plainPeer = {
	Y,
	doc,
	records: doc.getMap(mapName),
	provider
};
