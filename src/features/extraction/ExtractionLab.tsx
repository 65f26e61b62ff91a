/** The extraction lab arrives with its own issue; the shell already routes to it. */
export function ExtractionLab() {
  return (
    <section className="placeholder">
      <h2>Model extraction</h2>
      <p>
        Steal a black-box model by querying it, then attack it with the stolen copy. This page is not built yet; its
        engine is: an oracle with output modes, a query budget, a query log, defenses and a PRADA detector, query
        strategies from random noise to Jacobian augmentation and active sampling, substitute training and transfer
        attacks.
      </p>
    </section>
  );
}
