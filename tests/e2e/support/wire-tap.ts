/**
 * What arrives on a page's WebRTC data channels, counted by kind before any peer library reads
 * it: y-webrtc messages, Webocracy's HELLO, its frames and its deflated frames. A test installs
 * it to see on the wire what the app sends to whom, without touching the app's code.
 */

export type WireCounts = {
	/** Whole y-webrtc messages (anything not marked as below). */
	messages: number;
	/** Zero-byte messages: what stock y-webrtc answers to a message type it does not know. */
	empty: number;
	hello: number;
	frames: number;
	deflated: number;
};

/**
 * Replace the page's RTCPeerConnection with one that watches every data channel. Runs in the
 * page, and reaches it as source text (Playwright's addInitScript), so it uses nothing from
 * outside itself. Install it before any peer connection is made: simple-peer and the app read
 * the global when they make one.
 */
export function installWireTap(): void {
	const counts: WireCounts = { messages: 0, empty: 0, hello: 0, frames: 0, deflated: 0 };
	// Written independently of chunked-rtc.ts on purpose: this reads the wire as a stranger
	// would. Its marks are five 0xff bytes and a letter: 'W' frame, 'Z' deflated frame, and 'H'
	// after the three bytes of an empty awareness message for HELLO.
	const markAt = (bytes: Uint8Array, at: number): number =>
		bytes.length > at + 5 && bytes.subarray(at, at + 5).every((b) => b === 0xff)
			? bytes[at + 5]!
			: -1;
	const kindOf = (bytes: Uint8Array): keyof WireCounts => {
		if (bytes.length === 0) return 'empty';
		if (markAt(bytes, 0) === 0x57) return 'frames';
		if (markAt(bytes, 0) === 0x5a) return 'deflated';
		if (bytes[0] === 1 && bytes[1] === 1 && bytes[2] === 0 && markAt(bytes, 3) === 0x48) {
			return 'hello';
		}
		return 'messages';
	};
	const watch = (channel: RTCDataChannel) =>
		channel.addEventListener('message', (event: MessageEvent) => {
			// Both y-webrtc's simple-peer and the app read channels as ArrayBuffers.
			if (event.data instanceof ArrayBuffer) counts[kindOf(new Uint8Array(event.data))]++;
		});
	const Base = globalThis.RTCPeerConnection;
	class Tapped extends Base {
		constructor(config?: RTCConfiguration) {
			super(config);
			this.addEventListener('datachannel', (event) => watch(event.channel));
		}
		override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
			const channel = super.createDataChannel(label, init);
			watch(channel);
			return channel;
		}
	}
	globalThis.RTCPeerConnection = Tapped;
	(globalThis as unknown as { wireCounts: WireCounts }).wireCounts = counts;
}

/** The counts of a page where installWireTap ran. */
export const readWireCounts = (): WireCounts =>
	(globalThis as unknown as { wireCounts: WireCounts }).wireCounts;
