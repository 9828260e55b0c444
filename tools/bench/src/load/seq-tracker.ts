/**
 * A session's delivery check: events must come with seq 0, 1, 2, … once each. A gap counts its missing
 * seqs as lost until they turn up (then they count as reordered); a seq already had counts as duplicated.
 */
export class SeqTracker {
  lastSeq = -1;
  duplicated = 0;
  reordered = 0;
  private readonly missing = new Set<number>();

  get lost(): number {
    return this.missing.size;
  }

  /** Records `seq`; true when it is new (the event should be counted), false for a repeat. */
  accept(seq: number): boolean {
    if (seq <= this.lastSeq) {
      if (this.missing.delete(seq)) {
        this.reordered += 1;
        return true;
      }
      this.duplicated += 1;
      return false;
    }
    for (let gap = this.lastSeq + 1; gap < seq; gap += 1) this.missing.add(gap);
    this.lastSeq = seq;
    return true;
  }
}
