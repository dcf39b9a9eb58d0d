// Every string the widget shows, in English and Persian. Persian flips the panel to RTL.

export type WidgetLocale = "en" | "fa";

const en = {
  title: "Chat with us",
  open: "Open chat",
  close: "Close chat",
  unread: "{n} unread messages",
  prechatIntro: "Hi! Ask us anything — we usually reply within a few minutes.",
  name: "Name (optional)",
  email: "Email (optional)",
  start: "Start chat",
  starting: "Starting…",
  placeholder: "Type a message…",
  send: "Send",
  typing: "Agent is typing…",
  typingNamed: "{name} is typing…",
  empty: "Send us a message and an agent will be with you shortly.",
  you: "You",
  agent: "Agent",
  pending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent",
  retry: "Retry",
  reconnecting: "Reconnecting…",
  offline: "You're offline. Messages will be sent when the connection is back.",
  unavailable: "Chat is unavailable right now. Please try again shortly.",
  tooLong: "Message is too long.",
  messages: "Messages",
  surveyScale: "Your answer",
  surveyThanks: "Thank you! You answered {n}.",
  surveyClosed: "This survey has closed.",
  surveyFailed: "Your answer could not be sent. Please try again.",
  csatLow: "Very dissatisfied",
  csatHigh: "Very satisfied",
  npsLow: "Not at all likely",
  npsHigh: "Extremely likely",
  cesLow: "Very easy",
  cesHigh: "Very difficult",
} as const;

export type StringKey = keyof typeof en;

const fa: Record<StringKey, string> = {
  title: "گفتگو با ما",
  open: "باز کردن گفتگو",
  close: "بستن گفتگو",
  unread: "{n} پیام خوانده‌نشده",
  prechatIntro: "سلام! هر سؤالی دارید بپرسید — معمولاً ظرف چند دقیقه پاسخ می‌دهیم.",
  name: "نام (اختیاری)",
  email: "ایمیل (اختیاری)",
  start: "شروع گفتگو",
  starting: "در حال شروع…",
  placeholder: "پیام خود را بنویسید…",
  send: "ارسال",
  typing: "پشتیبان در حال نوشتن است…",
  typingNamed: "{name} در حال نوشتن است…",
  empty: "پیام بدهید؛ به‌زودی یکی از همکاران ما پاسخ می‌دهد.",
  you: "شما",
  agent: "پشتیبان",
  pending: "در حال ارسال",
  sent: "ارسال شد",
  delivered: "تحویل شد",
  read: "خوانده شد",
  failed: "ارسال نشد",
  retry: "تلاش دوباره",
  reconnecting: "در حال اتصال دوباره…",
  offline: "اتصال برقرار نیست. پیام‌ها پس از برقراری اتصال ارسال می‌شوند.",
  unavailable: "گفتگو در حال حاضر در دسترس نیست. کمی بعد دوباره تلاش کنید.",
  tooLong: "پیام بیش از حد طولانی است.",
  messages: "پیام‌ها",
  surveyScale: "پاسخ شما",
  surveyThanks: "سپاسگزاریم! پاسخ شما: {n}",
  surveyClosed: "مهلت این نظرسنجی به پایان رسیده است.",
  surveyFailed: "پاسخ شما ارسال نشد. لطفاً دوباره تلاش کنید.",
  csatLow: "بسیار ناراضی",
  csatHigh: "بسیار راضی",
  npsLow: "به‌هیچ‌وجه",
  npsHigh: "حتماً",
  cesLow: "بسیار آسان",
  cesHigh: "بسیار دشوار",
};

const tables: Record<WidgetLocale, Record<StringKey, string>> = { en, fa };

export function pickLocale(attr: string | null | undefined): WidgetLocale {
  const wanted = (attr || navigator.language || "en").toLowerCase();
  return wanted.startsWith("fa") ? "fa" : "en";
}

export function strings(locale: WidgetLocale) {
  const table = tables[locale];
  const numbers = new Intl.NumberFormat(locale === "fa" ? "fa-IR" : "en-US");
  const times = new Intl.DateTimeFormat(locale === "fa" ? "fa-IR" : "en-US", { hour: "2-digit", minute: "2-digit" });
  return {
    t(key: StringKey, params?: Record<string, string | number>): string {
      let s: string = table[key];
      if (params) {
        for (const [k, v] of Object.entries(params)) {
          s = s.replace(`{${k}}`, typeof v === "number" ? numbers.format(v) : v);
        }
      }
      return s;
    },
    time(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? "" : times.format(d);
    },
    number(n: number): string {
      return numbers.format(n);
    },
    dir: locale === "fa" ? "rtl" : "ltr",
  };
}

export type Strings = ReturnType<typeof strings>;
