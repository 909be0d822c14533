import { useEffect, useState, type ReactElement } from 'react';
import './compare-views.css';

export interface CommitInputProps {
  readonly value: string;
  readonly placeholder?: string | undefined;
  /** Text that may be committed; other text is marked and kept back. */
  readonly valid?: ((text: string) => boolean) | undefined;
  readonly onCommit: (text: string) => void;
  readonly ariaLabel?: string | undefined;
  readonly className?: string | undefined;
  readonly testId?: string | undefined;
}

/**
 * A text input that applies on Enter or when left, not on every key: the views recompute a
 * matrix or an explanation from it, and half-typed versions would flash other answers.
 */
export function CommitInput({ value, placeholder, valid, onCommit, ariaLabel, className, testId }: CommitInputProps): ReactElement {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const ok = valid === undefined || valid(text);
  const commit = (): void => {
    if (ok && text !== value) onCommit(text);
  };
  return (
    <input
      type="text"
      className={`commit-input mono${ok ? '' : ' invalid'}${className !== undefined ? ` ${className}` : ''}`}
      value={text}
      placeholder={placeholder}
      spellCheck={false}
      aria-label={ariaLabel}
      aria-invalid={!ok}
      data-testid={testId}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setText(value);
      }}
    />
  );
}
