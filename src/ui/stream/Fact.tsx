import type { ReactElement, ReactNode } from 'react';

export interface FactProps {
  readonly label: string;
  readonly wide?: boolean;
  readonly children: ReactNode;
}

/** One labelled value of the stream summary strip. */
export function Fact({ label, wide, children }: FactProps): ReactElement {
  return (
    <div className={`fact${wide === true ? ' wide' : ''}`}>
      <span className="fact-label">{label}</span>
      <span className="fact-value">{children}</span>
    </div>
  );
}
