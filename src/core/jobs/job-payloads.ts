import { KindGuard, Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Job, JobKind } from '../model.ts';

/**
 * What each kind of job is asked to do, as stored in its row. A row outlives the code
 * that wrote it (an older version, an operator's hand), so a worker checks the payload
 * against its kind's schema when it claims the job, before anything acts on it.
 * Properties a schema does not name are tolerated: a newer writer may add some.
 */
const Id = Type.String({ minLength: 1 });
const Bytes = Type.Integer({ minimum: 0 });

const CapturePayload = Type.Object({
  /** The instance's disks to read, each into the image (or data-disk snapshot) made of it. */
  disks: Type.Array(Type.Object({ diskId: Id, imageId: Id }), { minItems: 1 }),
});

/** The format the caller claimed; the content decides, the claim only shapes the error. */
const ClaimedFormat = Type.Union([Type.Literal('raw'), Type.Literal('qcow2'), Type.Literal('vmdk'), Type.Literal('vhd')]);

/** An import reads a URL, or the staged parts of a finished upload (src/core/uploads). */
const ImportPayload = Type.Union([
  Type.Object({ url: Type.String({ minLength: 1 }), format: ClaimedFormat }),
  Type.Object({ uploadId: Id, format: ClaimedFormat }),
]);

const ReinstallPayload = Type.Object({
  imageId: Id,
  bootSizeBytes: Bytes,
  keepDataDisks: Type.Boolean(),
  /** Taken from the account's disk quota for a boot disk that had to grow; given back if the job fails. */
  grownBytes: Bytes,
});

const GrowPayload = Type.Object({
  disks: Type.Array(Type.Object({ diskId: Id, sizeBytes: Bytes }), { minItems: 1 }),
  /** Taken from the account's disk quota when the resize was asked for; given back if the job fails. */
  grownBytes: Bytes,
});

const CopyPayload = Type.Object({
  /** Each pair gets the source's content: the image first, then its snapshots. */
  copies: Type.Array(Type.Object({ from: Id, to: Id }), { minItems: 1 }),
});

const ReplicatePayload = Type.Object({ imageId: Id, region: Type.String({ minLength: 1 }) });

/** Deploying and releasing an instance need nothing beyond the job's instance and node. */
const NoPayload = Type.Object({});

const jobPayloadSchemas = {
  capture: CapturePayload,
  import: ImportPayload,
  materialize: NoPayload,
  release: NoPayload,
  reinstall: ReinstallPayload,
  grow: GrowPayload,
  copy: CopyPayload,
  replicate: ReplicatePayload,
} as const satisfies Record<JobKind, TSchema>;

/** The one map from job kind to what its payload holds. */
export type JobPayloads = { [K in JobKind]: Static<(typeof jobPayloadSchemas)[K]> };

export type CaptureJobPayload = JobPayloads['capture'];
export type ImportJobPayload = JobPayloads['import'];
export type ReinstallJobPayload = JobPayloads['reinstall'];
export type GrowJobPayload = JobPayloads['grow'];
export type CopyJobPayload = JobPayloads['copy'];
export type ReplicateJobPayload = JobPayloads['replicate'];

/** A job whose payload was read and checked against its kind's schema. */
export type JobOf<K extends JobKind> = Omit<Job, 'kind' | 'payload'> & { kind: K; payload: JobPayloads[K] };

/** Why a stored payload cannot be run, or undefined when it fits its kind. */
export function payloadProblem<K extends JobKind>(kind: K, payload: unknown): string | undefined {
  const first = closestError(jobPayloadSchemas[kind], payload);
  if (first === undefined) return undefined;
  return `its ${kind} payload does not fit at ${first.path === '' ? '/' : first.path}: ${first.message.toLowerCase()}`;
}

/**
 * The first error against `schema`; for a union of shapes (an import from a URL or from an
 * upload), against the shape the payload misses least, so the problem names a field
 * rather than saying only that no shape fits.
 */
function closestError(schema: TSchema, payload: unknown) {
  if (!KindGuard.IsUnion(schema)) return Value.Errors(schema, payload).First();
  let best: { count: number; first: ReturnType<ReturnType<typeof Value.Errors>['First']> } | undefined;
  for (const variant of schema.anyOf) {
    const errors = [...Value.Errors(variant, payload)];
    if (best === undefined || errors.length < best.count) best = { count: errors.length, first: errors[0] };
  }
  return best?.first;
}

type PayloadReaders = { [K in JobKind]: (payload: unknown) => JobPayloads[K] | undefined };

function readerOf<S extends TSchema>(schema: S): (payload: unknown) => Static<S> | undefined {
  return (payload) => (Value.Check(schema, payload) ? payload : undefined);
}

const payloadReaders: PayloadReaders = {
  capture: readerOf(jobPayloadSchemas.capture),
  import: readerOf(jobPayloadSchemas.import),
  materialize: readerOf(jobPayloadSchemas.materialize),
  release: readerOf(jobPayloadSchemas.release),
  reinstall: readerOf(jobPayloadSchemas.reinstall),
  grow: readerOf(jobPayloadSchemas.grow),
  copy: readerOf(jobPayloadSchemas.copy),
  replicate: readerOf(jobPayloadSchemas.replicate),
};

/** `job` with its payload typed, if the payload fits its kind. */
export function readJob<K extends JobKind>(job: Job & { kind: K }): JobOf<K> | undefined {
  const read: PayloadReaders[K] = payloadReaders[job.kind];
  const payload = read(job.payload);
  return payload === undefined ? undefined : { ...job, payload };
}

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(jobPayloadSchemas, kind);
}
