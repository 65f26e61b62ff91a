/** A user-facing error: what was wrong and what to do, announced to screen readers. Renders nothing without one. */
export function ErrorMessage({ message }: { message?: string }) {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}
