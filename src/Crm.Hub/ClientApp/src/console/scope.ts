// Lifetimes for components: everything a component subscribes to is released when its scope ends.
export class Scope {
  private readonly disposers: (() => void)[] = [];
  private readonly children = new Set<Scope>();

  add(dispose: () => void): void {
    this.disposers.push(dispose);
  }

  child(): Scope {
    const s = new Scope();
    this.children.add(s);
    s.add(() => this.children.delete(s));
    return s;
  }

  dispose(): void {
    for (const c of [...this.children]) c.dispose();
    for (const d of this.disposers.splice(0).reverse()) d();
  }
}
