import type { Instance } from '../../../core/model.ts';

/**
 * UHost's two older names for a machine type. The series (N1, N2, I2, D1, G2...) is what
 * CreateUHostInstance resolves a UHostType to and what Kiln stores; DescribeUHostInstance
 * answers UHostType as the family the series belongs to, the way UCloud answers a host
 * made with the older form (HostType N2 + UHostType Normal reads back as "N2" / "Normal").
 */
const familyByLetter: Record<string, string> = { N: 'Normal', I: 'SSD', D: 'BigData', G: 'GPU' };

/** The family of a series; a type outside the older families (O, C...) is answered as stored. */
export function uHostFamily(series: string): string {
  return /^[NIDG]\d$/.test(series) ? familyByLetter[series[0]!]! : series;
}

/** HostType, the generation of the series: N1 for the first (N1, I1, G1), N2 otherwise. */
export function hostTypeOf(series: string): 'N1' | 'N2' {
  return /^[NIG]1$/.test(series) ? 'N1' : 'N2';
}

/** The series a host was created as: the resolved UHostType it was sent, else the default for its GPUs. */
export function seriesOf(i: Instance): string {
  const sent = i.attributes.uHostType;
  return typeof sent === 'string' ? sent : i.gpuCount > 0 ? 'G2' : 'N2';
}
