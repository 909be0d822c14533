/**
 * Keeps the lanes of compared timelines scrolled to the same rows: whichever the person scrolls,
 * the others follow (their rows are the same sections, in the same order).
 */
export class ScrollSync {
  private readonly elements = new Set<HTMLElement>();

  attach(el: HTMLElement): () => void {
    // One that comes scrolled already (to its failure) leads; one that comes at the top follows.
    this.elements.add(el);
    const other = [...this.elements].find((o) => o !== el);
    if (el.scrollTop > 0 || other === undefined) this.follow(el);
    else el.scrollTop = other.scrollTop;
    return () => this.elements.delete(el);
  }

  follow(source: HTMLElement): void {
    for (const el of this.elements) {
      // Equal already: no scroll event comes back, so no loop.
      if (el !== source && el.scrollTop !== source.scrollTop) el.scrollTop = source.scrollTop;
    }
  }
}
