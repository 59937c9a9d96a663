/** The browser build of simple-peer that y-webrtc imports (it ships no types). */
declare module 'simple-peer/simplepeer.min.js' {
	const Peer: unknown;
	export default Peer;
}
