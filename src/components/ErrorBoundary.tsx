import { Component, Fragment, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What failed to render, for the message: "The image lab", "The sweep results". */
  name: string;
  children: ReactNode;
  /** Clears the state that made the view fail (results of the lab, say), before the view is drawn again. */
  onReset?: () => void;
  resetLabel?: string;
}

interface State {
  error?: Error;
  /** Bumped on reset so the children mount afresh instead of keeping the state that threw. */
  generation: number;
}

/**
 * A render error inside shows a message with a reset button in place of the view; the rest of the app keeps working
 * (without a boundary, React unmounts the whole tree and the page turns white).
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { generation: 0 };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.name} could not be shown:`, error, info.componentStack);
  }

  reset = () => {
    pendingFault = undefined;
    this.props.onReset?.();
    this.setState((s) => ({ error: undefined, generation: s.generation + 1 }));
  };

  override render() {
    const { error, generation } = this.state;
    if (error) {
      return (
        <div className="error-boundary" role="alert" data-testid="error-boundary">
          <p>
            <strong>{this.props.name} could not be shown.</strong> {error.message || String(error)}
          </p>
          <p className="muted small">The rest of the page still works. Resetting clears what this view was showing; your settings stay.</p>
          <button type="button" onClick={this.reset}>
            {this.props.resetLabel ?? 'Reset this view'}
          </button>
        </div>
      );
    }
    return <Fragment key={generation}>{this.props.children}</Fragment>;
  }
}

/** The view named by `#...&fault=<name>` in the URL at load, for the e2e test of the boundaries, until a reset. */
let pendingFault: string | undefined = typeof location === 'undefined' ? undefined : (new URLSearchParams(location.hash.slice(1)).get('fault') ?? undefined);

/**
 * Throws during render when the page was opened with `fault=<where>` in its hash, until a boundary is reset: the e2e
 * tests use it to check that a render error shows the boundary's message and that reset recovers. Renders nothing
 * otherwise.
 */
export function FaultPoint({ where }: { where: string }) {
  if (pendingFault === where) throw new Error(`A test fault was injected here (fault=${where}).`);
  return null;
}
