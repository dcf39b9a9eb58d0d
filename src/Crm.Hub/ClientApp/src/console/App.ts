// Boot and page switching: login when signed out, otherwise the top bar, the current page, offers
// and notices. The whole tree is rebuilt on a language switch (strings and direction change).
import { api, setUnauthorizedHandler } from "./api";
import { agentHub } from "./agentHub";
import { AdminPage } from "./components/AdminPage";
import { RoutingPage } from "./components/RoutingPage";
import { FollowUpsPage } from "./components/FollowUpsPage";
import { ReportsPage } from "./components/ReportsPage";
import { RegisterPage } from "./components/RegisterPage";
import { AudiencePage } from "./components/AudiencePage";
import { TemplatesPage } from "./components/TemplatesPage";
import { CampaignsPage } from "./components/CampaignsPage";
import { RemindersPage } from "./components/RemindersPage";
import { BoardPage } from "./components/BoardPage";
import { InboxPage } from "./components/InboxPage";
import { LoginPage } from "./components/LoginPage";
import { Notices } from "./components/Notices";
import { OfferToast } from "./components/OfferToast";
import { TopBar } from "./components/TopBar";
import { loadDirectory } from "./components/TransferDialog";
import { t } from "./i18n";
import { href, onRoute, parse, type Route } from "./router";
import { Scope } from "./scope";
import { store } from "./store";
import { h, replace } from "../shared/h";
import type { AgentView } from "./types";

export class App {
  private scope = new Scope();
  private pageScope: Scope | null = null;
  private route: Route = parse();
  private pageSlot: HTMLElement | null = null;
  private hubStarted = false;
  /** Where to go after signing in (a deep link opened while signed out). */
  private returnTo: Route | null = null;

  constructor(private readonly root: HTMLElement) {
    onRoute((route) => this.go(route));
    setUnauthorizedHandler(() => void this.signedOut());
  }

  async boot(): Promise<void> {
    try {
      const me = await api.me();
      await this.signedIn(me, false);
    } catch {
      this.showLogin();
    }
  }

  private showLogin(): void {
    this.scope.dispose();
    this.scope = new Scope();
    document.title = t("login.title");
    if (this.route.page !== "login") this.returnTo = this.route;
    this.route = { page: "login" };
    const loginUrl = `${import.meta.env.BASE_URL}login`;
    if (location.pathname !== loginUrl) history.replaceState(null, "", loginUrl);
    replace(
      this.root,
      LoginPage(
        (me) => void this.signedIn(me, true),
        () => this.showLogin(),
      ),
    );
  }

  private async signedIn(me: AgentView, fromLogin: boolean): Promise<void> {
    store.setMe(me);
    if (fromLogin || this.route.page === "login") {
      this.route = this.returnTo ?? { page: "inbox", conversationId: null };
      this.returnTo = null;
      history.replaceState(null, "", href(this.route));
    }
    this.render();
    await this.loadSnapshot().catch(() => undefined);
    if (!this.hubStarted) {
      this.hubStarted = true;
      void agentHub.start(() => this.loadSnapshot());
    }
    loadDirectory().catch(() => undefined);
  }

  /** The REST snapshot: the queue, my conversations and (supervisors) everything open. */
  private async loadSnapshot(): Promise<void> {
    const jobs = [api.conversations({ status: "waiting" }), api.conversations({ status: "assigned", assignee: "me" })];
    if (store.isSupervisor) jobs.push(api.conversations({ status: "assigned" }), api.conversations({ status: "open" }));
    const lists = await Promise.all(jobs);
    // Replace the lists wholesale (something may have left the queue while we were away);
    // keep the open conversation, which may be in none of them.
    for (const id of [...store.conversations.keys()]) if (id !== store.selectedId) store.conversations.delete(id);
    store.upsertConversations(lists.flat());
    // An offer made while this tab was connecting is in the lists, not necessarily in the live stream: events
    // up to the seq the tab started from are not replayed. Rebuild my pending offers from the snapshot.
    const now = Date.now();
    for (const c of lists.flat()) {
      if (c.offeredToAgentId && c.offeredToAgentId === store.me?.id && c.offerExpiresAt && new Date(c.offerExpiresAt).getTime() > now && c.status !== "assigned") {
        store.addOffer({ conversationId: c.id, expiresAt: c.offerExpiresAt, offeredAt: new Date(now).toISOString(), conversation: c });
      }
    }
    if (store.selectedId && store.messages.has(store.selectedId)) {
      const id = store.selectedId;
      const [c, messages] = await Promise.all([api.conversation(id), api.messages(id)]);
      store.upsertConversation(c);
      store.setThread(id, messages);
    }
  }

  private async signedOut(): Promise<void> {
    if (!store.me) return;
    await agentHub.stop();
    this.hubStarted = false;
    agentHub.forgetSeq();
    store.reset();
    this.route = { page: "login" };
    this.returnTo = null;
    this.showLogin();
  }

  async logout(): Promise<void> {
    await api.logout().catch(() => undefined);
    await this.signedOut();
  }

  private go(route: Route): void {
    if (!store.me) return;
    const samePage = route.page === this.route.page;
    this.route = route;
    if (route.page === "login") {
      void this.logout();
      return;
    }
    if (samePage && this.pageSlot) this.renderPage();
    else this.render();
  }

  /** Rebuilds everything (after sign-in, a page switch or a language switch). */
  render(): void {
    this.scope.dispose();
    this.scope = new Scope();
    this.pageScope = null;
    this.pageSlot = h("div", { class: "page-slot" });
    replace(
      this.root,
      h("a", { class: "skip-link", href: "#main" }, t("nav.inbox")),
      TopBar(this.scope.child(), this.route, { onLocale: () => this.render(), onLogout: () => void this.logout() }),
      this.pageSlot,
      OfferToast(this.scope.child()),
      Notices(this.scope.child()),
    );
    this.renderPage();
  }

  private renderPage(): void {
    if (!this.pageSlot) return;
    this.pageScope?.dispose();
    this.pageScope = this.scope.child();
    const route = this.route;
    document.title = t("appName");
    if (route.page === "admin") replace(this.pageSlot, AdminPage(this.pageScope));
    else if (route.page === "routing") replace(this.pageSlot, RoutingPage(this.pageScope));
    else if (route.page === "audience") replace(this.pageSlot, AudiencePage(this.pageScope));
    else if (route.page === "templates") replace(this.pageSlot, TemplatesPage(this.pageScope));
    else if (route.page === "campaigns") replace(this.pageSlot, CampaignsPage(this.pageScope));
    else if (route.page === "followUps") replace(this.pageSlot, FollowUpsPage(this.pageScope));
    else if (route.page === "reminders") replace(this.pageSlot, RemindersPage(this.pageScope));
    else if (route.page === "board") replace(this.pageSlot, BoardPage(this.pageScope));
    else if (route.page === "reports") replace(this.pageSlot, ReportsPage(this.pageScope));
    else if (route.page === "register") replace(this.pageSlot, RegisterPage(this.pageScope));
    else if (route.page === "inbox") replace(this.pageSlot, InboxPage(this.pageScope, route.conversationId));
  }
}
