/** A CEL list literal of the numbers 0 to 39. */
export const CEL_LIST_40 = `[${Array.from({ length: 40 }, (_, i) => i).join(', ')}]`;
const list = CEL_LIST_40;

/**
 * 40^5 ≈ 100 million steps of nested comprehensions, minutes of CPU in cel-js, in little memory:
 * `all` keeps one boolean per level where `map` would build a list of lists, so on a fast machine
 * the expression still meets the sandbox's time limit first, not its memory limit.
 */
export const EXPENSIVE_CEL = `${list}.all(a, ${list}.all(b, ${list}.all(c, ${list}.all(d, ${list}.all(e, a + b + c + d + e >= 0)))))`;
