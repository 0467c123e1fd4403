/**
 * Answers that never change once made, so a dialect may keep the encoded body with the
 * answer and send those bytes again instead of encoding it per request.
 *
 * A listing answer built from one cached core result (ImageService.list hands out the
 * same object for as long as the catalogue version holds) is such an answer: keyed by
 * that object, it is exactly as fresh and as private as the result itself. Encoding a
 * 20-image page was the largest single cost of a DescribeImage request (measured).
 */
const reusable = new WeakSet<object>();

/** Freezes `answer` and marks it reusable; returns it. */
export function reusableAnswer<T extends object>(answer: T): T {
  Object.freeze(answer);
  reusable.add(answer);
  return answer;
}

/**
 * The answer built by `build` for `source`, made once per `source` object and marked
 * reusable: the same source object always gets the same answer object back.
 */
export class AnswerMemo<S extends object, A extends object> {
  private readonly answers = new WeakMap<S, A>();

  constructor(private readonly build: (source: S) => A) {}

  get(source: S): A {
    let answer = this.answers.get(source);
    if (!answer) {
      answer = reusableAnswer(this.build(source));
      this.answers.set(source, answer);
    }
    return answer;
  }
}

/** Encoded bodies of reusable answers, per answer object and envelope name. */
export class EncodedBodies {
  private readonly bodies = new WeakMap<object, { name: string; body: string }>();

  /** `encode()` once per reusable answer and name; every other answer is encoded each time. */
  of(answer: object, name: string, encode: () => string): string {
    if (!reusable.has(answer)) return encode();
    const kept = this.bodies.get(answer);
    if (kept?.name === name) return kept.body;
    const body = encode();
    this.bodies.set(answer, { name, body });
    return body;
  }
}

/**
 * AnswerMemo for answers that need more than the source to build (CompShare's listings
 * look up instance counts and owner names): built once per `source` object by the first
 * request that asks, and shared by those that ask meanwhile. Only right when whatever
 * `build` looks up cannot change while `source` is handed out, i.e. is covered by the
 * catalogue version `source` was kept against; and `build` must be the same for a given
 * source (a source comes from one server's services). A build that fails is not kept.
 */
export class AsyncAnswerMemo<S extends object, A extends object> {
  private readonly answers = new WeakMap<S, Promise<A>>();

  get(source: S, build: (source: S) => Promise<A>): Promise<A> {
    let answer = this.answers.get(source);
    if (!answer) {
      answer = build(source).then(reusableAnswer, (e: unknown) => {
        this.answers.delete(source);
        throw e;
      });
      this.answers.set(source, answer);
    }
    return answer;
  }
}
