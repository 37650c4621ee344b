/** The error `fn` throws, which must be a `type`; anything else (or no throw at all) fails the calling test. */
export function thrownBy<E extends Error>(fn: () => unknown, type: abstract new (...args: never) => E): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
