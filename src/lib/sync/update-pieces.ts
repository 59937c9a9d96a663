/**
 * A large Yjs update cut into smaller updates that each apply on their own, so a peer
 * joining a 10 MB country sees its entries arrive (and can start checking them) while the
 * rest is still in flight, instead of after one 12 MB message. The cut walks the update's
 * bytes (Yjs format v1, the one y-protocols sends) without building its content, and
 * copies each struct's bytes unchanged: a piece is a header per client run
 * (`structs, client, first clock`) followed by the original struct bytes. The delete set
 * goes with the last piece, as it comes after every struct in a whole update.
 *
 * The same walk checks that an update from a peer is well formed before it reaches Yjs,
 * at a fraction of the cost of `Y.decodeUpdate` (which builds every value).
 */
import * as encoding from 'lib0/encoding';

/** Thrown for anything that does not parse; callers catch it at the boundary. */
export class MalformedUpdate extends Error {}

/** Nested arrays and objects deeper than this are refused (lib0's reader would recurse). */
const MAX_DEPTH = 256;

class Cursor {
	pos = 0;
	constructor(readonly bytes: Uint8Array) {}

	u8(): number {
		if (this.pos >= this.bytes.length) throw new MalformedUpdate('end');
		return this.bytes[this.pos++]!;
	}

	varUint(): number {
		let num = 0;
		let mult = 1;
		for (;;) {
			const r = this.u8();
			num += (r & 0x7f) * mult;
			if (r < 0x80) return num;
			mult *= 128;
			if (num > Number.MAX_SAFE_INTEGER) throw new MalformedUpdate('integer');
		}
	}

	skip(n: number): void {
		if (n > this.bytes.length - this.pos) throw new MalformedUpdate('end');
		this.pos += n;
	}

	skipVarBytes(): void {
		this.skip(this.varUint());
	}

	/** An id (client, clock) or any two numbers, skipped. */
	skipTwo(): void {
		this.varUint();
		this.varUint();
	}

	string(): string {
		const length = this.varUint();
		const start = this.pos;
		this.skip(length);
		return textDecoder.decode(this.bytes.subarray(start, this.pos));
	}

	/** One value in lib0's `writeAny` encoding, skipped. */
	skipAny(depth = 0): void {
		if (depth > MAX_DEPTH) throw new MalformedUpdate('depth');
		const tag = this.u8();
		switch (tag) {
			case 127: // undefined
			case 126: // null
			case 121: // false
			case 120: // true
				return;
			case 125: // varint: continuation bit 0x80 on every byte but the last
				while (this.u8() & 0x80);
				return;
			case 124: // float32
				return this.skip(4);
			case 123: // float64
			case 122: // bigint64
				return this.skip(8);
			case 119: // string
			case 116: // Uint8Array
				return this.skipVarBytes();
			case 118: {
				// object: key, value pairs
				const n = this.varUint();
				for (let i = 0; i < n; i++) {
					this.skipVarBytes();
					this.skipAny(depth + 1);
				}
				return;
			}
			case 117: {
				const n = this.varUint();
				for (let i = 0; i < n; i++) this.skipAny(depth + 1);
				return;
			}
			default:
				throw new MalformedUpdate('any');
		}
	}
}

const textDecoder = new TextDecoder();

/** JSON as Yjs reads it for JSON, embed and format content: a parse error is malformed. */
function checkJson(text: string): void {
	try {
		JSON.parse(text);
	} catch {
		throw new MalformedUpdate('json');
	}
}

/** One item's content, skipped; returns its length in clock units (as Yjs counts it). */
function skipContent(cursor: Cursor, ref: number): number {
	switch (ref) {
		case 1: // deleted
			return cursor.varUint();
		case 2: {
			// JSON: each value a JSON text, or 'undefined'
			const n = cursor.varUint();
			for (let i = 0; i < n; i++) {
				const text = cursor.string();
				if (text !== 'undefined') checkJson(text);
			}
			return n;
		}
		case 3: // binary
			cursor.skipVarBytes();
			return 1;
		case 4: // string: Yjs counts UTF-16 code units
			return cursor.string().length;
		case 5: // embed
			checkJson(cursor.string());
			return 1;
		case 6: // format: key, JSON value
			cursor.skipVarBytes();
			checkJson(cursor.string());
			return 1;
		case 7: {
			// a shared type; XML elements and hooks carry a name
			const typeRef = cursor.varUint();
			if (typeRef > 6) throw new MalformedUpdate('type');
			if (typeRef === 3 || typeRef === 5) cursor.skipVarBytes();
			return 1;
		}
		case 8: {
			// any: a list of values
			const n = cursor.varUint();
			for (let i = 0; i < n; i++) cursor.skipAny();
			return n;
		}
		case 9: // a subdocument: guid, options (Yjs reads properties of them: an object)
			cursor.skipVarBytes();
			if (cursor.bytes[cursor.pos] !== 118) throw new MalformedUpdate('doc');
			cursor.skipAny();
			return 1;
		default:
			throw new MalformedUpdate('content');
	}
}

/** One struct (GC, skip or item), skipped; returns its length in clock units. */
function skipStruct(cursor: Cursor): number {
	const info = cursor.u8();
	const ref = info & 0x1f;
	if (ref === 0 || ref === 10) return cursor.varUint(); // GC, skip
	if (info & 0x80) cursor.skipTwo(); // origin
	if (info & 0x40) cursor.skipTwo(); // right origin
	if ((info & 0xc0) === 0) {
		// No origins: the parent is named (a root type's key) or an item id.
		if (cursor.varUint() === 1) cursor.skipVarBytes();
		else cursor.skipTwo();
		if (info & 0x20) cursor.skipVarBytes(); // the map key
	}
	return skipContent(cursor, ref);
}

/** A run of consecutive structs of one client: [start, end) in the update's bytes. */
type Run = { client: number; clock: number; count: number; start: number; end: number };

type StructAt = { client: number; clock: number; start: number; end: number };

/** Each struct of an update in turn (one object, updated in place). Throws Malformed. */
function* structs(cursor: Cursor): Generator<StructAt> {
	const at: StructAt = { client: 0, clock: 0, start: 0, end: 0 };
	const clients = cursor.varUint();
	for (let c = 0; c < clients; c++) {
		const count = cursor.varUint();
		at.client = cursor.varUint();
		let clock = cursor.varUint();
		for (let s = 0; s < count; s++) {
			at.start = cursor.pos;
			const length = skipStruct(cursor);
			at.end = cursor.pos;
			at.clock = clock;
			yield at;
			clock += length;
			if (clock > Number.MAX_SAFE_INTEGER) throw new MalformedUpdate('clock');
		}
	}
}

/** The delete set that ends an update; returns where it starts. Throws Malformed. */
function skipDeleteSet(cursor: Cursor): number {
	const start = cursor.pos;
	const clients = cursor.varUint();
	for (let c = 0; c < clients; c++) {
		cursor.varUint(); // client
		const ranges = cursor.varUint();
		for (let r = 0; r < ranges; r++) cursor.skipTwo(); // clock, length
	}
	return start;
}

/** Whether `update` parses as a Yjs v1 update (structs and delete set), without applying it. */
export function isWellFormedUpdate(update: Uint8Array): boolean {
	try {
		const cursor = new Cursor(update);
		for (const _ of structs(cursor));
		skipDeleteSet(cursor);
		return true;
	} catch (e) {
		if (e instanceof MalformedUpdate) return false;
		throw e;
	}
}

/** An update with no structs and no deletions. */
const EMPTY_DELETE_SET = Uint8Array.of(0);

function encodePiece(update: Uint8Array, runs: Run[], deleteSet: Uint8Array): Uint8Array {
	const header = encoding.createEncoder();
	encoding.writeVarUint(header, runs.length);
	const heads = runs.map((run) => {
		const head = encoding.createEncoder();
		encoding.writeVarUint(head, run.count);
		encoding.writeVarUint(head, run.client);
		encoding.writeVarUint(head, run.clock);
		return encoding.toUint8Array(head);
	});
	const first = encoding.toUint8Array(header);
	let size = first.length + deleteSet.length;
	runs.forEach((run, i) => (size += heads[i]!.length + run.end - run.start));
	const piece = new Uint8Array(size);
	piece.set(first, 0);
	let offset = first.length;
	runs.forEach((run, i) => {
		piece.set(heads[i]!, offset);
		offset += heads[i]!.length;
		piece.set(update.subarray(run.start, run.end), offset);
		offset += run.end - run.start;
	});
	piece.set(deleteSet, offset);
	return piece;
}

/**
 * Cuts a Yjs v1 update into updates of about `maxBytes` of structs each (a struct larger
 * than that goes alone), in the order of the original, each cut only when it is asked for:
 * the first piece can be on its way while the rest of the update is still being walked.
 * Applied in that order, each piece integrates at once when the original's structs did not
 * depend on later ones; in any order, Yjs keeps what waits on a missing piece and the
 * result equals the whole update. Throws MalformedUpdate where the update stops parsing.
 */
export function* cutUpdate(update: Uint8Array, maxBytes: number): Generator<Uint8Array> {
	const cursor = new Cursor(update);
	let runs: Run[] = [];
	let bytes = 0;
	for (const { client, clock, start, end } of structs(cursor)) {
		if (bytes > 0 && bytes + (end - start) > maxBytes) {
			yield encodePiece(update, runs, EMPTY_DELETE_SET);
			runs = [];
			bytes = 0;
		}
		const last = runs.at(-1);
		if (last && last.client === client && last.end === start) {
			last.count++;
			last.end = end;
		} else {
			runs.push({ client, clock, count: 1, start, end });
		}
		bytes += end - start;
	}
	const deleteSet = skipDeleteSet(cursor);
	yield encodePiece(update, runs, update.subarray(deleteSet, cursor.pos));
}

/**
 * `cutUpdate`, all at once. Returns null when the update does not parse.
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] | null {
	try {
		return [...cutUpdate(update, maxBytes)];
	} catch (e) {
		if (e instanceof MalformedUpdate) return null;
		throw e;
	}
}
