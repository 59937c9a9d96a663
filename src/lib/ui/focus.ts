/** `{@attach takeFocus}`: the element takes the focus when it appears (a message, a confirm). */
export const takeFocus = (node: HTMLElement): void => node.focus();
