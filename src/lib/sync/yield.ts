/**
 * Give the page a turn: input, rendering and timers run before the work goes on. A message
 * task, not setTimeout, which browsers stretch to 4 ms once timeouts nest.
 */
export function yieldToPage(): Promise<void> {
	if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}
