import type { ReactElement } from 'react';
import type { HostResult } from './use-host-choice.ts';

export interface HostCardProps {
  readonly result: HostResult;
}

const VERDICT_WORD: Readonly<Record<HostResult['verdict'], string>> = { accept: 'accepts', reject: 'rejects', 'at-risk': 'at risk' };
const REASON_WORD: Readonly<Record<string, string>> = { breaks: 'rejects', 'at-risk': 'warning', fine: 'note' };

/** One candidate host: the verdict, why (rejections first), and the files it was judged from. */
export function HostCard({ result }: HostCardProps): ReactElement {
  const { group, choice, verdict } = result;
  const findings = choice.findings.filter((f) => f.verdict !== 'fine');
  return (
    <article className={`host-card host-${verdict}`} data-testid="host-card" data-host={choice.host} data-verdict={verdict} data-decision={choice.decision} aria-label={`${choice.host}: ${VERDICT_WORD[verdict]}`}>
      <header className="host-head">
        <h3>{choice.host}</h3>
        <span className={`verdict-chip verdict-chip-${verdict}`}>{VERDICT_WORD[verdict]}</span>
        {verdict === 'at-risk' ? <span className="muted">the chooser accepts it, with warnings</span> : undefined}
      </header>
      {choice.reasons.length === 0 ? (
        <p className="muted host-none">Nothing against it: the machine type is offered and every device of the VM loads.</p>
      ) : (
        <ul className="host-reasons" data-testid="host-reasons">
          {choice.reasons.map((r, i) => (
            <li key={`${r.kind}-${i}`} className={`host-reason reason-${r.verdict}`} data-kind={r.kind} data-verdict={r.verdict}>
              <span className="host-reason-word">{REASON_WORD[r.verdict] ?? r.verdict}</span>
              <span>{r.message}</span>
            </li>
          ))}
        </ul>
      )}
      <footer className="host-foot muted">
        from {group.files.map((f) => f.name).join(', ')}
        {findings.length > 0 ? ` · ${findings.length} device finding${findings.length === 1 ? '' : 's'} not fine` : ''}
        {group.notes.map((n) => (
          <span key={n} className="host-note">
            {' '}
            · {n}
          </span>
        ))}
      </footer>
    </article>
  );
}
