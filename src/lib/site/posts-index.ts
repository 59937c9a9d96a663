/**
 * Blog posts kept up to date from one set of visible records to the next, for a planner
 * that plans the same site again after each change. When records arrive or leave, only
 * the posts they belong to are derived again — by the model's own `postsOf`, over just
 * those posts' records — and every other post keeps its object, so that the planner sees
 * at a glance (by identity) that its pages did not change.
 *
 * A post (all revisions of one first revision) depends only on its revisions and on the
 * retractions naming one of them (docs/records.md, "Content"): that is what is handed to
 * `postsOf` for each post a change touches.
 */
import { latestPosts, postsOf, type BlogPost } from '../model/content';
import type { Verified } from '../model/verified';

type Records = ReadonlyMap<string, Verified>;

export type PostsIndex = {
	/** `postsOf(visible)`: the same posts in the same order, unchanged ones as the same objects. */
	posts(visible: Records): BlogPost[];
};

/** Changes touching more records than this share are derived from scratch. */
const REBUILD_SHARE = 0.125;

const replacesOf = (r: Verified | undefined): string | null | undefined =>
	r?.record.kind === 'post' ? r.record.body.replaces : undefined;

/** The first revision of the post `id` belongs to, in `records` (as `postsOf` finds it). */
function rootIn(records: Records, id: string): string {
	let current = id;
	// A bound, not a rule: ids are hashes, so `replaces` chains cannot loop.
	for (let steps = 0; steps <= records.size; steps++) {
		const parent = replacesOf(records.get(current));
		if (parent === null || parent === undefined || replacesOf(records.get(parent)) === undefined) {
			return current;
		}
		current = parent;
	}
	return current;
}

function addTo(index: Map<string, Set<string>>, key: string, id: string) {
	const set = index.get(key);
	if (set) set.add(id);
	else index.set(key, new Set([id]));
}

function deleteFrom(index: Map<string, Set<string>>, key: string, id: string) {
	const set = index.get(key);
	if (set?.delete(id) && set.size === 0) index.delete(key);
}

export function createPostsIndex(): PostsIndex {
	let last: Records = new Map();
	let sorted: BlogPost[] = [];
	const byRoot = new Map<string, BlogPost>();
	/** Post id → ids of the posts that name it in `replaces`. */
	const children = new Map<string, Set<string>>();
	/** Post id → ids of the retractions that name it. */
	const retractions = new Map<string, Set<string>>();

	function index(r: Verified, present: boolean) {
		const { record } = r;
		if (record.kind === 'post' && record.body.replaces !== null) {
			(present ? addTo : deleteFrom)(children, record.body.replaces, r.id);
		} else if (record.kind === 'retraction') {
			(present ? addTo : deleteFrom)(retractions, record.body.post, r.id);
		}
	}

	function rebuild(visible: Records): BlogPost[] {
		children.clear();
		retractions.clear();
		byRoot.clear();
		for (const r of visible.values()) index(r, true);
		sorted = postsOf(visible);
		for (const post of sorted) byRoot.set(post.id, post);
		last = visible;
		return sorted;
	}

	/** Every post record under `root` (itself included) in `visible`. */
	function members(visible: Records, root: string): string[] {
		const out: string[] = [];
		const stack = [root];
		const seen = new Set<string>();
		while (stack.length) {
			const id = stack.pop()!;
			if (seen.has(id) || replacesOf(visible.get(id)) === undefined) continue;
			seen.add(id);
			out.push(id);
			for (const child of children.get(id) ?? []) stack.push(child);
		}
		return out;
	}

	function posts(visible: Records): BlogPost[] {
		if (visible === last) return sorted;
		const changed: { r: Verified; present: boolean }[] = [];
		const limit = Math.max(16, Math.floor(Math.max(visible.size, last.size) * REBUILD_SHARE));
		for (const [id, r] of visible) {
			const kind = r.record.kind;
			if ((kind === 'post' || kind === 'retraction') && last.get(id) !== r) {
				changed.push({ r, present: true });
				if (changed.length > limit) return rebuild(visible);
			}
		}
		for (const [id, r] of last) {
			const kind = r.record.kind;
			if ((kind === 'post' || kind === 'retraction') && visible.get(id) !== r) {
				changed.push({ r, present: false });
				if (changed.length > limit) return rebuild(visible);
			}
		}
		const previous = last;
		last = visible;
		if (changed.length === 0) return sorted;

		// The posts a change touches, by their first revision, before and after it.
		const before = new Set<string>();
		const after = new Set<string>();
		const touch = (id: string) => {
			if (replacesOf(previous.get(id)) !== undefined) before.add(rootIn(previous, id));
			if (replacesOf(visible.get(id)) !== undefined) after.add(rootIn(visible, id));
		};
		for (const { r, present } of changed) {
			index(r, present);
			const { record } = r;
			if (record.kind === 'retraction') touch(record.body.post);
			else if (record.kind === 'post') {
				touch(r.id);
				// Its parent's post gains or loses a revision; posts that replaced it lose their root.
				if (record.body.replaces !== null) touch(record.body.replaces);
				for (const child of children.get(r.id) ?? []) touch(child);
			}
		}
		// A post that joined another (its parent arrived) is gone under its old first revision.
		for (const root of after) {
			for (const id of members(visible, root)) {
				if (replacesOf(previous.get(id)) !== undefined) before.add(rootIn(previous, id));
			}
		}
		for (const root of before) byRoot.delete(root);
		const derived: BlogPost[] = [];
		for (const root of after) {
			const records = new Map<string, Verified>();
			for (const id of members(visible, root)) {
				records.set(id, visible.get(id)!);
				for (const retraction of retractions.get(id) ?? []) {
					const r = visible.get(retraction);
					if (r) records.set(retraction, r);
				}
			}
			for (const post of postsOf(records)) {
				byRoot.set(post.id, post);
				derived.push(post);
			}
		}
		// Still sorted but for the new ones: the sort only merges them in.
		sorted = latestPosts(
			[...sorted.filter((p) => byRoot.get(p.id) === p && !after.has(p.id)), ...derived],
			Infinity
		);
		return sorted;
	}

	return { posts };
}
