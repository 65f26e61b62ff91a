/** The extraction lab arrives with its own issue; the shell already routes to it. */
export function ExtractionLab() {
  return (
    <section className="placeholder">
      <h2>Model extraction</h2>
      <p>
        Steal a black-box model by querying it, then attack it with the stolen copy. This lab is not built yet: it
        will reuse the bundled MNIST models as victims and substitutes.
      </p>
    </section>
  );
}
