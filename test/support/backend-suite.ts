import { describe, test } from 'node:test';
import { currentStack, homeStackOf, missingServer, skipOrFail, type BackendKind } from './stacks.ts';

/**
 * A suite that needs one backend, registered the one way a missing backend is reported:
 *
 * - in the other stack's phase nothing is registered (its own phase of `npm test` runs
 *   it, so no run counts a skip for it);
 * - in its own phase with its server configured, `body` runs inside `describe(name)`;
 * - without its server, one test `name` is skipped with the reason and a loud block on
 *   stderr, or fails under CI=true / KILN_TEST_REQUIRE_STACKS=1 (skipOrFail).
 */
export function backendSuite(kind: BackendKind, name: string, body: () => void): void {
  if (currentStack() !== homeStackOf(kind)) return;
  const missing = missingServer(kind);
  if (missing === undefined) {
    describe(name, body);
    return;
  }
  let skip: string;
  try {
    ({ skip } = skipOrFail(missing));
  } catch (e) {
    test(name, () => {
      throw e;
    });
    return;
  }
  test(name, { skip }, () => {});
}
