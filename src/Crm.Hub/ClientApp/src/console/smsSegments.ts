// How an SMS reply will be billed, while the agent types. The same rules as Crm.Channels.Sms.SmsSegments, checked
// against the same vectors (smsSegments.vectors.json; `npm run test:segments` here, SmsSegmentsTests in C#):
// GSM-7 (160 septets alone, 153 per part) with extension characters costing 2, unless any character needs UCS-2
// (70 UTF-16 units alone, 67 per part; Persian does, and a surrogate pair costs 2). In a long message a 2-unit
// character is never split between parts: it moves to the next one, as the phone network sends it.
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION = "^{}\\[~]|€\f";

export interface SegmentCount {
  encoding: "gsm7" | "ucs2";
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** The limit of one segment for this text: 160 / 153 (GSM-7) or 70 / 67 (UCS-2). */
  perSegment: number;
}

export function countSegments(text: string): SegmentCount {
  const gsm: number[] = [];
  for (const c of text) {
    if (BASIC.includes(c)) gsm.push(1);
    else if (EXTENSION.includes(c)) gsm.push(2);
    else return split("ucs2", [...text].map((ch) => ch.length), 70, 67);
  }
  return split("gsm7", gsm, 160, 153);
}

/** `costs` are the characters' sizes in units; a multi-part message packs them without splitting one. */
function split(encoding: "gsm7" | "ucs2", costs: number[], single: number, multi: number): SegmentCount {
  const units = costs.reduce((a, b) => a + b, 0);
  if (units <= single) return { encoding, units, segments: units === 0 ? 0 : 1, perSegment: single };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments, perSegment: multi };
}
