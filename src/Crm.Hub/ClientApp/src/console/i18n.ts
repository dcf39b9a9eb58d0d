// Every string the console shows, in English and Persian. Persian flips the layout (dir="rtl"),
// formats numbers with Persian digits and dates in the Persian calendar (Intl does both).

const en = {
  appName: "Crm.Hub",
  "login.title": "Sign in to Crm.Hub",
  "login.subtitle": "The team inbox for every channel.",
  "login.email": "Email",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.signingIn": "Signing in…",
  "login.failed": "Sign-in failed.",
  "login.rateLimited": "Too many attempts. Try again in {s} seconds.",
  "login.retryIn": "Try again in {s} seconds.",
  "login.rateLimitedNoWait": "Too many attempts. Please wait a moment and try again.",
  "conn.connected": "Connected",
  "conn.reconnecting": "Reconnecting…",
  "conn.offline": "Offline",
  "conn.label": "Connection: {state}",
  "presence.label": "Presence",
  "presence.online": "Online",
  "presence.away": "Away",
  "presence.offline": "Offline",
  "lang.other": "فارسی",
  "lang.label": "Switch language to Persian",
  "nav.inbox": "Inbox",
  "nav.admin": "Admin",
  "nav.main": "Main",
  "user.menu": "Account",
  "user.logout": "Sign out",
  "tab.queue": "Queue",
  "tab.mine": "Mine",
  "tab.all": "All open",
  "tabs.label": "Conversation lists",
  "empty.queue": "No one is waiting — nice.",
  "empty.mine": "Nothing assigned to you right now.",
  "empty.all": "No open conversations.",
  "noSelection.title": "No conversation selected",
  "noSelection.body": "Pick a conversation from the list, or accept an offer when one arrives.",
  "offer.title": "New conversation for you",
  "offer.accept": "Accept",
  "offer.decline": "Decline",
  "offer.left": "{s}s left",
  "offer.keys": "A to accept · D to decline",
  "offer.gone": "That offer has expired or was taken by someone else.",
  "offer.region": "Offers",
  "status.open": "Open",
  "status.waiting": "Waiting",
  "status.assigned": "Assigned",
  "status.resolved": "Resolved",
  "channel.webchat": "Web chat",
  "channel.sms": "SMS",
  "channel.email": "Email",
  "channel.fax": "Fax",
  "channel.telegram": "Telegram",
  "conv.number": "#{n}",
  "conv.assignedTo": "Assigned to {name}",
  "conv.unassigned": "Unassigned",
  "conv.noPreview": "No messages yet",
  "conv.actions": "Conversation actions",
  "action.resolve": "Resolve",
  "action.reopen": "Reopen",
  "action.transfer": "Transfer",
  "why.title": "Why this agent",
  "why.empty": "No routing decisions recorded yet.",
  "why.loading": "Loading…",
  "transfer.title": "Transfer conversation #{n}",
  "transfer.agent": "To an agent",
  "transfer.team": "Or to a team",
  "transfer.none": "— none —",
  "transfer.note": "Note for the next agent (optional)",
  "transfer.submit": "Transfer",
  "transfer.cancel": "Cancel",
  "transfer.pickOne": "Pick an agent or a team.",
  "thread.label": "Messages",
  "thread.empty": "No messages yet.",
  "thread.note": "Internal note",
  "thread.loading": "Loading messages…",
  "thread.customer": "Customer",
  "thread.visitorTyping": "Customer is typing…",
  "thread.attachment": "Attachment: {name}",
  "delivery.pending": "Sending",
  "delivery.sent": "Sent",
  "delivery.delivered": "Delivered",
  "delivery.read": "Read",
  "delivery.failed": "Failed",
  "composer.label": "Reply",
  "composer.placeholder": "Reply to the customer…",
  "composer.notePlaceholder": "Write an internal note — only agents see it…",
  "composer.note": "Note",
  "composer.noteHint": "Internal note mode",
  "composer.send": "Send",
  "composer.addNote": "Add note",
  "composer.keys": "Ctrl+Enter to send",
  "composer.assignedToOther": "Assigned to {name}. Only the assignee can reply.",
  "composer.notAssigned": "Accept this conversation (or have it assigned to you) to reply.",
  "contact.title": "Contact",
  "contact.email": "Email",
  "contact.phone": "Phone",
  "contact.identities": "Identities",
  "contact.timeline": "Conversations",
  "contact.optedOut": "opted out",
  "contact.since": "Customer since {date}",
  "contact.loading": "Loading contact…",
  "contact.current": "this conversation",
  "thread.edited": "edited",
  "thread.pages": "{n} pages",
  "thread.page": "Page {n} of {total}",
  "thread.prevPage": "Previous page",
  "thread.nextPage": "Next page",
  "thread.openPdf": "Open PDF",
  "thread.pdfFailed": "The PDF could not be shown: {reason}",
  "thread.download": "Download {name}",
  "delivery.retrying": "Retrying (attempt {n}) — {reason}",
  "delivery.failedWhy": "Not delivered: {reason}",
  "composer.channel": "Reply on",
  "composer.channelAuto": "Customer's channel",
  "composer.segments": "{chars} chars · {segments} SMS · {encoding}",
  "composer.unicode": "Unicode",
  "contact.merge": "Merge…",
  "contact.mergeTitle": "Merge another contact into this one",
  "contact.mergeSearch": "Search by name, email or phone",
  "contact.mergeSuggested": "Suggested",
  "contact.mergeNone": "No likely duplicates found.",
  "contact.mergeConfirm": "Merge {name} into this contact? Their channels and conversations move here; you can undo it.",
  "contact.mergeDo": "Merge",
  "contact.mergeHistory": "Merges",
  "contact.mergeUndo": "Undo",
  "contact.mergeUndone": "undone",
  "contact.mergeDone": "Contacts merged.",
  "contact.mergeUndoneNotice": "Merge undone.",
  "contact.verified": "verified",
  "contact.close": "Close",
  "admin.title": "Administration",
  "admin.agents": "Agents",
  "admin.teams": "Teams",
  "admin.createAgent": "Create agent",
  "admin.email": "Email",
  "admin.name": "Display name",
  "admin.password": "Password",
  "admin.role": "Role",
  "admin.teamsField": "Teams",
  "admin.capacity": "Capacity per channel",
  "admin.autoAccept": "Auto-accept offers",
  "admin.create": "Create agent",
  "admin.created": "Agent {name} created.",
  "admin.createTeam": "Create team",
  "admin.teamName": "Team name",
  "admin.teamCreated": "Team {name} created.",
  "admin.members": "Members: {n}",
  "admin.noTeams": "No teams yet. Create the first one below.",
  "admin.noAgents": "No agents yet.",
  "admin.noTeamsToPick": "Create a team first.",
  "admin.col.name": "Name",
  "admin.col.email": "Email",
  "admin.col.role": "Role",
  "admin.col.teams": "Teams",
  "admin.col.presence": "Presence",
  "admin.col.capacity": "Capacity",
  "admin.col.autoAccept": "Auto-accept",
  "admin.yes": "Yes",
  "admin.no": "No",
  "admin.forbidden": "Only administrators can see this page.",
  "role.agent": "Agent",
  "role.supervisor": "Supervisor",
  "role.marketer": "Marketer",
  "role.admin": "Admin",
  "error.generic": "Something went wrong.",
  "error.dismiss": "Dismiss",
  "notFound": "This page does not exist.",
} as const;

export type Key = keyof typeof en;
export type Locale = "en" | "fa";

const fa: Record<Key, string> = {
  appName: "Crm.Hub",
  "login.title": "ورود به Crm.Hub",
  "login.subtitle": "صندوق مشترک تیم برای همه‌ی کانال‌ها.",
  "login.email": "ایمیل",
  "login.password": "گذرواژه",
  "login.submit": "ورود",
  "login.signingIn": "در حال ورود…",
  "login.failed": "ورود ناموفق بود.",
  "login.rateLimited": "تلاش‌های زیادی انجام شد. {s} ثانیه‌ی دیگر دوباره تلاش کنید.",
  "login.retryIn": "{s} ثانیه‌ی دیگر دوباره تلاش کنید.",
  "login.rateLimitedNoWait": "تلاش‌های زیادی انجام شد. کمی صبر کنید و دوباره تلاش کنید.",
  "conn.connected": "متصل",
  "conn.reconnecting": "در حال اتصال دوباره…",
  "conn.offline": "قطع",
  "conn.label": "وضعیت اتصال: {state}",
  "presence.label": "وضعیت حضور",
  "presence.online": "آنلاین",
  "presence.away": "دور از میز",
  "presence.offline": "آفلاین",
  "lang.other": "English",
  "lang.label": "تغییر زبان به انگلیسی",
  "nav.inbox": "صندوق",
  "nav.admin": "مدیریت",
  "nav.main": "اصلی",
  "user.menu": "حساب کاربری",
  "user.logout": "خروج",
  "tab.queue": "صف",
  "tab.mine": "مال من",
  "tab.all": "همه‌ی باز",
  "tabs.label": "فهرست گفتگوها",
  "empty.queue": "کسی منتظر نیست — عالی است.",
  "empty.mine": "فعلاً گفتگویی به شما واگذار نشده است.",
  "empty.all": "گفتگوی بازی وجود ندارد.",
  "noSelection.title": "گفتگویی انتخاب نشده است",
  "noSelection.body": "یک گفتگو را از فهرست انتخاب کنید، یا پیشنهاد تازه را بپذیرید.",
  "offer.title": "گفتگوی تازه برای شما",
  "offer.accept": "پذیرفتن",
  "offer.decline": "رد کردن",
  "offer.left": "{s} ثانیه مانده",
  "offer.keys": "A برای پذیرفتن · D برای رد کردن",
  "offer.gone": "این پیشنهاد منقضی شده یا کس دیگری آن را برداشته است.",
  "offer.region": "پیشنهادها",
  "status.open": "باز",
  "status.waiting": "در انتظار",
  "status.assigned": "واگذارشده",
  "status.resolved": "حل‌شده",
  "channel.webchat": "چت وب",
  "channel.sms": "پیامک",
  "channel.email": "ایمیل",
  "channel.fax": "فکس",
  "channel.telegram": "تلگرام",
  "conv.number": "#{n}",
  "conv.assignedTo": "واگذارشده به {name}",
  "conv.unassigned": "واگذار نشده",
  "conv.noPreview": "هنوز پیامی نیست",
  "conv.actions": "کارهای گفتگو",
  "action.resolve": "حل شد",
  "action.reopen": "بازگشایی",
  "action.transfer": "انتقال",
  "why.title": "چرا این همکار",
  "why.empty": "هنوز تصمیم مسیریابی‌ای ثبت نشده است.",
  "why.loading": "در حال بارگذاری…",
  "transfer.title": "انتقال گفتگوی #{n}",
  "transfer.agent": "به یک همکار",
  "transfer.team": "یا به یک تیم",
  "transfer.none": "— هیچ —",
  "transfer.note": "یادداشت برای همکار بعدی (اختیاری)",
  "transfer.submit": "انتقال",
  "transfer.cancel": "انصراف",
  "transfer.pickOne": "یک همکار یا یک تیم انتخاب کنید.",
  "thread.label": "پیام‌ها",
  "thread.empty": "هنوز پیامی نیست.",
  "thread.note": "یادداشت داخلی",
  "thread.loading": "در حال بارگذاری پیام‌ها…",
  "thread.customer": "مشتری",
  "thread.visitorTyping": "مشتری در حال نوشتن است…",
  "thread.attachment": "پیوست: {name}",
  "delivery.pending": "در حال ارسال",
  "delivery.sent": "ارسال شد",
  "delivery.delivered": "تحویل شد",
  "delivery.read": "خوانده شد",
  "delivery.failed": "ناموفق",
  "composer.label": "پاسخ",
  "composer.placeholder": "پاسخ به مشتری…",
  "composer.notePlaceholder": "یادداشت داخلی بنویسید — فقط همکاران می‌بینند…",
  "composer.note": "یادداشت",
  "composer.noteHint": "حالت یادداشت داخلی",
  "composer.send": "ارسال",
  "composer.addNote": "افزودن یادداشت",
  "composer.keys": "Ctrl+Enter برای ارسال",
  "composer.assignedToOther": "واگذارشده به {name}. فقط او می‌تواند پاسخ دهد.",
  "composer.notAssigned": "برای پاسخ دادن، این گفتگو را بپذیرید (یا به شما واگذار شود).",
  "contact.title": "مخاطب",
  "contact.email": "ایمیل",
  "contact.phone": "تلفن",
  "contact.identities": "شناسه‌ها",
  "contact.timeline": "گفتگوها",
  "contact.optedOut": "انصراف داده",
  "thread.edited": "ویرایش‌شده",
  "thread.pages": "{n} صفحه",
  "thread.page": "صفحهٔ {n} از {total}",
  "thread.prevPage": "صفحهٔ قبل",
  "thread.nextPage": "صفحهٔ بعد",
  "thread.openPdf": "باز کردن PDF",
  "thread.pdfFailed": "نمایش PDF ممکن نشد: {reason}",
  "thread.download": "دریافت {name}",
  "delivery.retrying": "تلاش دوباره (بار {n}) — {reason}",
  "delivery.failedWhy": "تحویل نشد: {reason}",
  "composer.channel": "پاسخ از طریق",
  "composer.channelAuto": "کانال مشتری",
  "composer.segments": "{chars} نویسه · {segments} پیامک · {encoding}",
  "composer.unicode": "یونیکد",
  "contact.merge": "ادغام…",
  "contact.mergeTitle": "ادغام مخاطب دیگری در این مخاطب",
  "contact.mergeSearch": "جستجو با نام، ایمیل یا تلفن",
  "contact.mergeSuggested": "پیشنهادها",
  "contact.mergeNone": "مخاطب تکراری محتملی پیدا نشد.",
  "contact.mergeConfirm": "{name} در این مخاطب ادغام شود؟ کانال‌ها و گفتگوهایش به اینجا می‌آیند؛ قابل بازگشت است.",
  "contact.mergeDo": "ادغام",
  "contact.mergeHistory": "ادغام‌ها",
  "contact.mergeUndo": "بازگردانی",
  "contact.mergeUndone": "بازگردانده شد",
  "contact.mergeDone": "مخاطبان ادغام شدند.",
  "contact.mergeUndoneNotice": "ادغام بازگردانده شد.",
  "contact.verified": "تأییدشده",
  "contact.close": "بستن",
  "contact.since": "مشتری از {date}",
  "contact.loading": "در حال بارگذاری مخاطب…",
  "contact.current": "همین گفتگو",
  "admin.title": "مدیریت",
  "admin.agents": "همکاران",
  "admin.teams": "تیم‌ها",
  "admin.createAgent": "ساختن همکار",
  "admin.email": "ایمیل",
  "admin.name": "نام نمایشی",
  "admin.password": "گذرواژه",
  "admin.role": "نقش",
  "admin.teamsField": "تیم‌ها",
  "admin.capacity": "ظرفیت هر کانال",
  "admin.autoAccept": "پذیرش خودکار پیشنهادها",
  "admin.create": "ساختن همکار",
  "admin.created": "همکار {name} ساخته شد.",
  "admin.createTeam": "ساختن تیم",
  "admin.teamName": "نام تیم",
  "admin.teamCreated": "تیم {name} ساخته شد.",
  "admin.members": "{n} عضو",
  "admin.noTeams": "هنوز تیمی نیست. اولین تیم را در پایین بسازید.",
  "admin.noAgents": "هنوز همکاری نیست.",
  "admin.noTeamsToPick": "اول یک تیم بسازید.",
  "admin.col.name": "نام",
  "admin.col.email": "ایمیل",
  "admin.col.role": "نقش",
  "admin.col.teams": "تیم‌ها",
  "admin.col.presence": "حضور",
  "admin.col.capacity": "ظرفیت",
  "admin.col.autoAccept": "پذیرش خودکار",
  "admin.yes": "بله",
  "admin.no": "خیر",
  "admin.forbidden": "فقط مدیران این صفحه را می‌بینند.",
  "role.agent": "همکار",
  "role.supervisor": "سرپرست",
  "role.marketer": "بازاریاب",
  "role.admin": "مدیر",
  "error.generic": "مشکلی پیش آمد.",
  "error.dismiss": "بستن",
  notFound: "این صفحه وجود ندارد.",
};

const tables: Record<Locale, Record<Key, string>> = { en, fa };
const LOCALE_KEY = "crm.locale";

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved === "en" || saved === "fa") return saved;
  } catch {
    /* ignore */
  }
  return navigator.language.toLowerCase().startsWith("fa") ? "fa" : "en";
}

let locale: Locale = initialLocale();
let numbers = new Intl.NumberFormat("en-US");

export function currentLocale(): Locale {
  return locale;
}

/** Switches language and mirrors the document (<html lang dir>). Callers re-render. */
export function setLocale(next: Locale): void {
  locale = next;
  numbers = new Intl.NumberFormat(intlLocale());
  document.documentElement.lang = next;
  document.documentElement.dir = next === "fa" ? "rtl" : "ltr";
  try {
    localStorage.setItem(LOCALE_KEY, next);
  } catch {
    /* ignore */
  }
}

function intlLocale(): string {
  return locale === "fa" ? "fa-IR" : "en-US";
}

export function t(key: Key, params?: Record<string, string | number>): string {
  let s: string = tables[locale][key];
  if (params) {
    for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, typeof v === "number" ? numbers.format(v) : v);
  }
  return s;
}

export function num(n: number): string {
  return numbers.format(n);
}

/** A short time for today, else a date and time; fa-IR renders the Persian calendar. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const sameDay = new Date().toDateString() === d.toDateString();
  const opts: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(intlLocale(), opts).format(d);
}

export function day(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium" }).format(d);
}

export function fullTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium", timeStyle: "medium" }).format(d);
}

setLocale(locale);
