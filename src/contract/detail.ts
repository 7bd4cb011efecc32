/**
 * What a vendor said, in words every provider can fill: Agora's numeric codes and TRTC's
 * dotted string codes both travel as strings. Carried into state, failures and the Web UI.
 */
export interface VendorDetail {
  httpStatus?: number;
  code?: string;
  reason?: string;
  requestId?: string;
  host?: string;
}

/** One line for state, logs and failure messages: "identity-conflict HTTP 400 code 53 (task conflict)". */
export function describeDetail(kind: string, d: VendorDetail | undefined, error?: string): string {
  const parts: string[] = [kind];
  if (d?.httpStatus !== undefined) parts.push(`HTTP ${d.httpStatus}`);
  if (d?.code !== undefined) parts.push(`code ${d.code}`);
  const text = d?.reason ?? error;
  if (text) parts.push(`(${text})`);
  return parts.join(' ');
}
