import type { ReactElement } from 'react';
import { useWorkspaceStore } from './workspace-context.ts';
import type { PairState } from './use-pairings.ts';
import type { WorkspaceFile } from './workspace-store.ts';

export interface PairingNotesProps {
  readonly pairs: readonly (PairState | undefined)[];
  /** What reading the files together means in this view, e.g. `one axis, the same rows`. */
  readonly together: string;
}

function roleWord(f: WorkspaceFile): string {
  const d = f.detection;
  return d?.kind === 'stream' ? 'the stream' : d?.side === 'save' ? 'the save trace' : d?.side === 'load' ? 'the load log' : 'the file';
}

function fileWord(f: WorkspaceFile): string {
  return `${roleWord(f)} ${f.file.name}`;
}

/** `stream-save`, `stream-load`, `save-load`: which pair, for tests and styles. */
function pairKind(p: PairState): string {
  const word = (f: WorkspaceFile): string => (f.detection?.kind === 'stream' ? 'stream' : (f.detection?.side ?? 'log'));
  return `${word(p.a)}-${word(p.b)}`;
}

/**
 * Whether the files a view reads together describe one VM, and why: said every time, never
 * silently assumed. Where they do not (or it cannot be told), the person chooses.
 */
export function PairingNotes({ pairs, together }: PairingNotesProps): ReactElement | undefined {
  const store = useWorkspaceStore();
  const present = pairs.filter((p): p is PairState => p !== undefined);
  if (present.length === 0) return undefined;
  // Pairs that agree share one short line (the evidence in its tooltip); the others say why in full.
  const agreeing = present.filter((p) => p.status === 'same' && p.choice === undefined);
  const shown = present.filter((p) => !agreeing.includes(p));
  return (
    <ul className="pairing-notes" aria-label="Do these files describe the same VM?">
      {agreeing.length > 0 ? (
        <li className="pairing-note tone-ok" data-testid="pairing-same" title={agreeing.map((p) => `${fileWord(p.a)} and ${fileWord(p.b)}: ${p.reasons.join('; ')}`).join('\n')}>
          <span className="pairing-mark" aria-hidden="true">
            ✓
          </span>
          <span className="pairing-text">
            Same VM, read together: {agreeing.map((p) => `${roleWord(p.a)} and ${roleWord(p.b)}`).join(', ')} ({agreeing[0]?.reasons[0] ?? ''}).
          </span>
          {agreeing.map((p) => (
            <span key={`${p.a.id}|${p.b.id}`} hidden data-testid="pairing" data-pair={pairKind(p)} data-status={p.status} data-paired={p.paired} />
          ))}
        </li>
      ) : undefined}
      {shown.map((p) => {
        const names = `${fileWord(p.a)} and ${fileWord(p.b)}`;
        const why = p.reasons.join('; ');
        const kind = pairKind(p);
        let tone: 'ok' | 'warn' | 'muted';
        let text: string;
        let action: ReactElement | undefined;
        const choose = (together: boolean | undefined, label: string): ReactElement => (
          <button type="button" className="btn pairing-choice" onClick={() => store.choosePair(p.a.id, p.b.id, together)}>
            {label}
          </button>
        );
        if (p.status === 'checking') {
          tone = 'muted';
          text = `Checking whether ${names} describe the same VM…`;
        } else if (p.choice === true && p.status !== 'same') {
          tone = 'warn';
          text = `Read together (${together}) because you chose so, although ${p.status === 'different' ? 'they do not describe the same VM' : 'it cannot be told that they describe the same VM'}: ${why}.`;
          action = choose(undefined, 'Undo');
        } else if (p.choice === false) {
          tone = 'warn';
          text = `Kept apart because you chose so: ${names}. ${p.status === 'same' ? 'They describe the same VM' : 'Found'}: ${why}.`;
          action = choose(undefined, 'Undo');
        } else if (p.status === 'same') {
          tone = 'ok';
          text = `Same VM: ${names}: ${why}.`;
        } else if (p.status === 'different') {
          tone = 'warn';
          text = `Not read together: ${names} do not describe the same VM: ${why}.`;
          action = choose(true, 'Read them together anyway');
        } else {
          tone = 'warn';
          text = `Read together, but it cannot be told that ${names} describe the same VM: ${why}.`;
          action = choose(false, 'Keep them apart');
        }
        return (
          <li key={`${p.a.id}|${p.b.id}`} className={`pairing-note tone-${tone}`} data-testid="pairing" data-pair={kind} data-status={p.status} data-paired={p.paired}>
            <span className="pairing-mark" aria-hidden="true">
              {tone === 'ok' ? '✓' : tone === 'warn' ? '!' : '…'}
            </span>
            <span className="pairing-text">{text}</span>
            {action}
          </li>
        );
      })}
    </ul>
  );
}
