// The MIIT 适老化 numbers measured on the page as drawn (tests/portal/test_resident_browser.py).
// Returns a list of problems, each naming the element and what it measured.
(limits) => {
  const problems = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + [...el.classList].join(".");
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 30);
    return s + (text ? ` "${text}"` : "");
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || st.visibility === "hidden" || st.display === "none") return false;
    if (r.right <= 0 || r.bottom <= -window.scrollY) return false;  // moved off screen (the skip link)
    for (let p = el; p; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.opacity === "0" || ps.display === "none" || ps.visibility === "hidden") return false;
    }
    return true;
  };
  const rgba = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let p = el; p; p = p.parentElement) {
      const c = rgba(getComputedStyle(p).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const inMap = (el) => !!el.closest(".leaflet-pane");
  // text: every element with its own visible text
  let largest = 0;
  for (const el of document.querySelectorAll("body *")) {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "OPTION"].includes(el.tagName) || inMap(el)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    const st = getComputedStyle(el);
    const size = parseFloat(st.fontSize);
    largest = Math.max(largest, size);
    if (size < limits.text) problems.push(`text ${size}px < ${limits.text}px: ${name(el)}`);
    const lh = st.lineHeight === "normal" ? 1.2 * size : parseFloat(st.lineHeight);
    if (lh < limits.lineHeight * size - 0.01) problems.push(`line height ${(lh / size).toFixed(2)} < ${limits.lineHeight}: ${name(el)}`);
    const fg = rgba(st.color), bg = background(el);
    const [a, b] = [lum(fg.slice(0, 3)), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const big = size >= 24 || (size >= 18 && parseInt(st.fontWeight, 10) >= 700);
    const need = big ? 3 : 4.5;
    if (ratio < need) problems.push(`contrast ${ratio.toFixed(2)} < ${need}: ${name(el)}`);
  }
  if (limits.main && largest < limits.main) problems.push(`largest text ${largest}px < ${limits.main}px (main function)`);
  // paragraph spacing: consecutive paragraphs, baseline to baseline across them ≥ 1.3 × the line height
  if (limits.paragraph) {
    for (const p of document.querySelectorAll("main p + p")) {
      const prev = p.previousElementSibling;
      if (!visible(p) || !visible(prev)) continue;
      const lh = parseFloat(getComputedStyle(p).lineHeight);
      const gap = p.getBoundingClientRect().top - prev.getBoundingClientRect().bottom;
      if (gap + lh < limits.paragraph * lh - 0.5) problems.push(`paragraph spacing ${((gap + lh) / lh).toFixed(2)} < ${limits.paragraph}: ${name(p)}`);
    }
  }
  // tap targets
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1']), label[for]";
  for (const el of document.querySelectorAll(targets)) {
    let box = el;
    if (el.matches("input[type=checkbox], input[type=radio]") && el.closest("label")) box = el.closest("label");
    if (el.matches("label[for]")) {
      const control = document.getElementById(el.htmlFor);
      if (!control || visible(control)) continue;  // a label of a visible control is not a target of its own
    }
    if (!visible(box) || el.closest(".leaflet-pane")) continue;
    const r = box.getBoundingClientRect();
    if (r.width < limits.target - 0.5 || r.height < limits.target - 0.5)
      problems.push(`target ${Math.round(r.width)}×${Math.round(r.height)} < ${limits.target}: ${name(el)}`);
  }
  return problems;
}
