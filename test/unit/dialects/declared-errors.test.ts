import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ErrorCode } from '../../../src/core/errors.ts';
import type { ActionInfo } from '../../../src/dialects/schema/action-info.ts';
import { ucloudActions } from '../../../src/dialects/ucloud/actions/index.ts';
import { zecActions } from '../../../src/dialects/zenlayer/actions/index.ts';
import { RaisedCodes } from '../../support/raised-codes.ts';

// Each action declares the core errors it may raise (`errors`); the reference docs and
// the SDK's docs list them. Here the declaration is held against what the handler can
// raise, read statically (test/support/raised-codes.ts: every call from the handler
// followed into src/, ports to their implementations). An action whose handler can raise
// a code it does not declare, or that declares one nothing it calls raises, fails here
// unless `known` below names that exact difference and says why.

/** Codes every action may raise without declaring them: parameter and authentication problems, and faults. */
const implicit: readonly ErrorCode[] = ['MissingParameter', 'InvalidParameter', 'AccountNotFound', 'Internal'];

interface KnownDifference {
  undeclared?: ErrorCode[];
  neverRaised?: ErrorCode[];
  /**
   * reading: the static reading over-approximates (a code caught in the handler, or one
   * its product's rules never reach); declaration: the declaration is wrong and should be
   * fixed in the action (then this entry goes); check: not yet decided which.
   */
  kind: 'reading' | 'declaration' | 'check';
  why: string;
}

const uhostNames = 'UHost image names need not be unique (products.ts uniqueImageNames), so the store never raises NameTaken for it';
const computeQuota =
  'the compute quota raises InstanceQuotaExceeded / DiskQuotaExceeded, not the image quota QuotaExceeded (both are 8095 on UCloud, but ZEC answers them apart and the reference lists the wrong one)';
const busyStop = 'stop and reboot refuse a busy instance as InstanceNotRunning (the state transition fails); nothing raises InstanceBusy';
const growOnly = 'takeCompute is asked for 0 instances when a disk grows, so InstanceQuotaExceeded cannot come of it';
const ownedOnly = "ImageService.getOwned answers another account's visible (public or shared) image with PermissionDenied";
const systemDisk = 'DiskNotFound here guards an invariant (every instance has a system disk); no data disks are named';
const imageLookupCaught = 'the image of each instance is looked up with .catch(() => undefined): a missing image is shown as none';

const known: Record<string, KnownDifference> = {
  CreateCustomImage: {
    undeclared: ['NameTaken', 'GpuInstanceNotSupported'],
    kind: 'reading',
    why: `${uhostNames}; UHost may image GPU instances (gpuInstancesMayBeImaged)`,
  },
  ImportCustomImage: { undeclared: ['NameTaken'], kind: 'reading', why: uhostNames },
  CopyCustomImage: { undeclared: ['NameTaken'], kind: 'reading', why: uhostNames },
  CreateUHostInstance: { undeclared: ['InstanceQuotaExceeded', 'DiskQuotaExceeded'], neverRaised: ['QuotaExceeded'], kind: 'declaration', why: computeQuota },
  CreateCompShareInstance: {
    undeclared: ['InstanceQuotaExceeded', 'DiskQuotaExceeded'],
    neverRaised: ['QuotaExceeded'],
    kind: 'declaration',
    why: computeQuota,
  },
  CreateZecInstances: { undeclared: ['InstanceQuotaExceeded', 'DiskQuotaExceeded'], neverRaised: ['QuotaExceeded'], kind: 'declaration', why: computeQuota },
  StopUHostInstance: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  PoweroffUHostInstance: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  RebootUHostInstance: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  StopCompShareInstance: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  RebootCompShareInstance: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  StopInstances: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  RebootInstances: { neverRaised: ['InstanceBusy'], kind: 'declaration', why: busyStop },
  ReinstallUHostInstance: { undeclared: ['InstanceQuotaExceeded'], kind: 'reading', why: growOnly },
  ReinstallCompShareInstance: { undeclared: ['InstanceQuotaExceeded'], kind: 'reading', why: growOnly },
  ResizeUHostInstance: {
    undeclared: ['DiskNotFound', 'InstanceQuotaExceeded'],
    kind: 'check',
    why: `${growOnly}; resize.ts raises DiskNotFound for a disk id not the instance's, which the action builds from the instance's own disks`,
  },
  GetRestResource: {
    undeclared: ['InstanceNotStopped', 'DiskNotFound', 'InstanceBusy'],
    kind: 'check',
    why: 'resizeAccepted shares resize.ts checks that raise these; the handler catches only InvalidParameter, so a running host asked about a resize may be answered with an error',
  },
  CreateCompShareCustomImage: {
    undeclared: ['GpuInstanceNotSupported', 'DiskNotFound'],
    kind: 'reading',
    why: `CompShare may image GPU instances (gpuInstancesMayBeImaged); ${systemDisk}`,
  },
  CreateImage: { undeclared: ['DiskNotFound'], kind: 'reading', why: systemDisk },
  GetCompShareImageCreateProgress: {
    undeclared: ['ImageNotCustom', 'PermissionDenied'],
    kind: 'declaration',
    why: `ImageService.progress goes through getOwned, which answers a base image with ImageNotCustom; ${ownedOnly}`,
  },
  UpdateCompShareImage: { undeclared: ['PermissionDenied'], kind: 'declaration', why: ownedOnly },
  CopyCompShareCustomImage: { undeclared: ['PermissionDenied'], kind: 'declaration', why: ownedOnly },
  PublishCompShareImage: { undeclared: ['PermissionDenied'], kind: 'declaration', why: ownedOnly },
  DeleteImages: {
    undeclared: ['PermissionDenied', 'ImageBusy'],
    kind: 'check',
    why: `${ownedOnly} (the first loop does not catch it); ImageBusy is caught per id and answered in imageIds`,
  },
  CopyImage: { undeclared: ['PermissionDenied'], kind: 'check', why: `reached through ImageReplication; ${ownedOnly}` },
  DescribeImageCopyProgress: { undeclared: ['PermissionDenied'], kind: 'check', why: `reached through ImageReplication; ${ownedOnly}` },
  DeleteImageCopy: { undeclared: ['PermissionDenied'], kind: 'check', why: `reached through ImageReplication; ${ownedOnly}` },
  DescribeCompShareInstance: { undeclared: ['ImageNotFound'], kind: 'reading', why: imageLookupCaught },
  DescribeInstances: { undeclared: ['ImageNotFound'], kind: 'reading', why: imageLookupCaught },
};

const actions: ActionInfo[] = [...ucloudActions, ...zecActions];
let reading: RaisedCodes;

before(() => {
  reading = new RaisedCodes();
});

function sorted(codes: Iterable<ErrorCode>): ErrorCode[] {
  return [...codes].sort();
}

test('the reading follows handlers into core services and through ports into the store', () => {
  // TerminateCustomImage: ImageBusy is raised in ImageService.terminate, a method away.
  assert.ok(reading.raisedBy('TerminateCustomImage').raised.has('ImageBusy'));
  // ImportCustomImage: QuotaExceeded comes from the metadata store's QuotaRepository.take,
  // reached through the port interface the service calls.
  assert.ok(reading.raisedBy('ImportCustomImage').raised.has('QuotaExceeded'));
  // A factory-made action is read with its own operation: StartUHostInstance reaches
  // InstanceService.start (InstanceNotStopped) and not stop (InstanceNotRunning).
  const start = reading.raisedBy('StartUHostInstance').raised;
  assert.ok(start.has('InstanceNotStopped') && !start.has('InstanceNotRunning'), sorted(start).join(', '));
});

test("each action's declared errors are the codes its handler can raise (beyond parameter and authentication problems)", () => {
  const problems: string[] = [];
  for (const action of actions) {
    const { raised, file } = reading.raisedBy(action.name);
    const undeclared = sorted([...raised].filter((c) => !implicit.includes(c) && !action.errors.includes(c)));
    const neverRaised = sorted(action.errors.filter((c) => !raised.has(c)));
    const expected = known[action.name];
    const fits = (found: ErrorCode[], allowed: ErrorCode[] | undefined) => found.join() === sorted(allowed ?? []).join();
    if (fits(undeclared, expected?.undeclared) && fits(neverRaised, expected?.neverRaised)) continue;
    problems.push(
      `${action.name} (${file}):` +
        (undeclared.length > 0 ? ` can raise undeclared ${undeclared.join(', ')};` : '') +
        (neverRaised.length > 0 ? ` declares ${neverRaised.join(', ')}, which nothing it calls raises;` : '') +
        (expected ? ` the known difference is ${JSON.stringify({ undeclared: expected.undeclared ?? [], neverRaised: expected.neverRaised ?? [] })}` : ''),
    );
  }
  assert.deepEqual(problems, [], `declare the codes in the action's errors (or, if the reading is wrong here, say why in \`known\`):\n${problems.join('\n')}`);
});

test('every known difference names an action of a registry', () => {
  const names = new Set(actions.map((a) => a.name));
  assert.deepEqual(
    Object.keys(known).filter((n) => !names.has(n)),
    [],
  );
});
