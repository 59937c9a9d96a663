/**
 * The y-webrtc signaling wire protocol: JSON text frames, one object each.
 * Pure: parses a frame into a typed message or a stable error code; knows no socket.
 *
 * The shapes follow y-webrtc's own client (src/y-webrtc.js) and server (bin/server.js),
 * so y-webrtc's server and ours are interchangeable.
 */

/**
 * @typedef {{ type: 'subscribe', topics: readonly unknown[] }} SubscribeMessage
 * @typedef {{ type: 'unsubscribe', topics: readonly unknown[] }} UnsubscribeMessage
 * @typedef {{ type: 'publish', topic: string, body: Readonly<Record<string, unknown>> }} PublishMessage
 *   `body` is the whole object as received: it is relayed as is, plus `clients`.
 * @typedef {{ type: 'ping' }} PingMessage
 * @typedef {SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage} SignalingMessage
 */

/**
 * Why a frame was dropped. Stable: they appear in `health().counters.dropped`.
 * @typedef {'malformed_json' | 'not_object' | 'unknown_type' | 'invalid_field'} ParseErrorCode
 */

/**
 * @typedef {{ ok: true, message: SignalingMessage } | { ok: false, code: ParseErrorCode }} ParseResult
 */

/** @type {readonly ParseErrorCode[]} */
export const PARSE_ERROR_CODES = ['malformed_json', 'not_object', 'unknown_type', 'invalid_field'];

/** The only frame the server ever originates (publish frames are relayed client objects). */
export const PONG_FRAME = JSON.stringify({ type: 'pong' });

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parse one text frame.
 * @param {string} text
 * @returns {ParseResult}
 */
export function parseMessage(text) {
	/** @type {unknown} */
	let value;
	try {
		value = JSON.parse(text);
	} catch {
		return { ok: false, code: 'malformed_json' };
	}
	if (!isPlainObject(value)) return { ok: false, code: 'not_object' };
	switch (value.type) {
		case 'subscribe':
		case 'unsubscribe': {
			const topics = value.topics;
			if (!Array.isArray(topics)) return { ok: false, code: 'invalid_field' };
			return { ok: true, message: { type: value.type, topics } };
		}
		case 'publish': {
			const topic = value.topic;
			// y-webrtc's server relays any truthy topic; a non-string one can never match a
			// subscription, so it is dropped here instead.
			if (typeof topic !== 'string' || topic === '') return { ok: false, code: 'invalid_field' };
			return { ok: true, message: { type: 'publish', topic, body: value } };
		}
		case 'ping':
			return { ok: true, message: { type: 'ping' } };
		default:
			return { ok: false, code: 'unknown_type' };
	}
}
