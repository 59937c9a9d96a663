/**
 * Glare in one browser page (support/glare.ts), with the build of simple-peer y-webrtc
 * imports, over the browser's own data channels or the app's. Bundled at test time by
 * plain-peer.ts (testPageOrigin).
 */
import Peer from 'simple-peer/simplepeer.min.js';
import { chunkedRtc, type RtcImplementation } from '../../../src/lib/sync/chunked-rtc';
import { runGlare, type SimplePeerClass } from './glare';

function glare(chunked: boolean, waitMs: number) {
	const browserRtc: RtcImplementation = {
		RTCPeerConnection,
		RTCSessionDescription,
		RTCIceCandidate
	};
	const stats = { framesSent: 0, framesReceived: 0, dropped: 0 };
	const wrtc = chunked ? chunkedRtc(browserRtc, stats, { compress: true }) : browserRtc;
	return runGlare(Peer as SimplePeerClass, wrtc, chunked ? stats : null, waitMs);
}

(globalThis as unknown as { glare: typeof glare }).glare = glare;
