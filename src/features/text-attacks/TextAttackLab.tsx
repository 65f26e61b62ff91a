/** The text lab arrives with its own issue; the shell already routes to it. */
export function TextAttackLab() {
  return (
    <section className="placeholder">
      <h2>Text attacks</h2>
      <p>
        Evade a spam filter with character edits, homoglyphs, invisible characters and synonym swaps. This lab is not
        built yet: its spam model and perturbations are the next step of the project.
      </p>
    </section>
  );
}
