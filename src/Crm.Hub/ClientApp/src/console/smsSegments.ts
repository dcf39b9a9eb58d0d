// How an SMS reply will be billed, while the agent types. The same rules as Crm.Channels.Sms.SmsSegments:
// GSM-7 (160 / 153 per part, extension characters count 2) unless any character needs UCS-2 (70 / 67; Persian does).
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION = "^{}\\[~]|€\f";

export interface SegmentCount {
  encoding: "gsm7" | "ucs2";
  units: number;
  segments: number;
}

export function countSegments(text: string): SegmentCount {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (BASIC.includes(c)) septets += 1;
    else if (EXTENSION.includes(c)) septets += 2;
    else return split("ucs2", text.length, 70, 67); // UTF-16 units: a surrogate pair is two
  }
  return split("gsm7", septets, 160, 153);
}

function split(encoding: "gsm7" | "ucs2", units: number, single: number, multi: number): SegmentCount {
  return { encoding, units, segments: units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi) };
}
