"""A small accessibility smoke check evaluated in the page: lang, one h1, a title, alt on images,
a label on every form control, a name on every link, button and chart; and axe-core's serious and critical rules."""

from pathlib import Path

CHECK = """
() => {
  const problems = [];
  if (!document.documentElement.getAttribute("lang")) problems.push("<html> has no lang");
  if (!document.title.trim()) problems.push("empty <title>");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} <h1> elements, expected exactly one`);
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`<img src="${img.getAttribute("src")}"> has no alt`);
  }
  const skip = new Set(["hidden", "submit", "button", "reset", "image"]);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (skip.has((el.getAttribute("type") || "").toLowerCase())) continue;
    const named = (el.labels && el.labels.length && Array.from(el.labels).some(l => l.textContent.trim()))
      || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!named) problems.push(`<${el.tagName.toLowerCase()} name="${el.name}"> has no label`);
  }
  for (const el of document.querySelectorAll("a[href], button")) {
    if (el.closest("[aria-hidden=true]")) continue;
    const named = el.textContent.trim() || el.getAttribute("aria-label")
      || el.querySelector("img[alt]:not([alt=''])");
    if (!named) problems.push(`<${el.tagName.toLowerCase()}> without a name: ${el.outerHTML.slice(0, 80)}`);
  }
  for (const svg of document.querySelectorAll("svg[role=img]")) {
    if (!svg.getAttribute("aria-label") && !svg.getAttribute("aria-labelledby")) problems.push("chart without a name");
  }
  return problems;
}
"""


def assert_accessible(page) -> None:
    problems = page.evaluate(CHECK)
    assert problems == [], f"{page.url}: {problems}"


# axe-core from npm (package.json / package-lock.json at the root; `.ci/run` runs `npm ci`)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated through DevTools, which the site's Content-Security-Policy does not govern
        page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def assert_axe_clean(page) -> None:
    problems = axe_violations(page)
    assert problems == [], f"{page.url}: {problems}"
