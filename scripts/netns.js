/**
 * A private network namespace for anything that opens WebRTC (end-to-end tests, benchmarks).
 * Inside it there is loopback plus one test address of its own (a veth pair), so Chromium
 * gathers a host candidate, and no test traffic can reach this machine's real network
 * (STACK.md, gotcha 2). Needs root and `unshare`; callers decide what to do without them.
 */
import { spawnSync } from 'node:child_process';

/** Set in the environment of the process started inside the namespace. */
export const NETNS_ENV = 'WEBOCRACY_NETNS';
/** The namespace's own address: WebRTC host candidates use it. */
export const TEST_ADDRESS = '10.254.0.1';

/** True in a process that runNodeInNetns started (or its children). */
export function insideNetns() {
	return Boolean(process.env[NETNS_ENV]);
}

/** True when this process can make a namespace: root, with `unshare` and `ip`. */
export function canMakeNetns() {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) return false;
	return (
		spawnSync('sh', ['-c', 'command -v unshare && command -v ip'], { stdio: 'ignore' }).status === 0
	);
}

/** @param {string} arg */
const quote = (arg) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Run `node script ...args` in a fresh namespace and wait for it.
 * @param {{ script: string, args?: string[], cwd: string }} options
 * @returns {number} its exit status (1 when it died from a signal)
 */
export function runNodeInNetns({ script, args = [], cwd }) {
	const inner = [process.execPath, script, ...args].map(quote).join(' ');
	const setup = [
		'set -e',
		'ip link set lo up',
		'ip link add wbva type veth peer name wbvb',
		`ip addr add ${TEST_ADDRESS}/24 dev wbva`,
		'ip link set wbva up',
		'ip link set wbvb up',
		'ip route add default dev wbva',
		`exec ${inner}`
	].join('\n');
	const result = spawnSync('unshare', ['-n', 'sh', '-c', setup], {
		cwd,
		stdio: 'inherit',
		env: { ...process.env, [NETNS_ENV]: '1' }
	});
	return result.status ?? 1;
}
