/** y-webrtc's messages as y-protocols writes them: the few this app builds or reads itself. */
import * as encoding from 'lib0/encoding';

/** y-webrtc's message type for Yjs sync. */
export const MESSAGE_SYNC = 0;
/** y-protocols' sync message types. */
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

/** A sync message of `type` carrying `update`, as y-webrtc sends one. */
export function syncMessage(type: number, update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, type);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}
