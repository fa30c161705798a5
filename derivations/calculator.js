/* The calculators' hand-written JavaScript: UI plumbing only.
 *
 * Every formula is a generated function handed to mount() (derivations/calculator.py prints
 * them from the package's SymPy expressions with sympy.jscode). This file reads and checks
 * the inputs, calls the generated functions in order, formats what they return and mirrors
 * the inputs into the query string. It also loads in Node, where there is no document: the
 * tests call read(), validate(), evaluate() and format() directly.
 */
(function (root) {
  "use strict";
  if (root.LLMCalculators) return; // the page's first calculator already defined it

  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const SUPERSCRIPT = {"-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"};
  const PLAIN_RANGE = [1e-3, 1e15]; // outside it, numbers are shown as m×10ⁿ

  // Text as typed -> {value} or {error: glossary key}. Accepts 4096, 4,096, 4 096, 3.35e12 and
  // full-width digits (１２８), which a Chinese input method may produce.
  function read(text) {
    const cleaned = String(text ?? "").normalize("NFKC").replace(/[\s,_]/g, "");
    if (cleaned === "") return {error: "calc_required"};
    if (!NUMBER.test(cleaned)) return {error: "calc_not_number"};
    return {value: Number(cleaned)};
  }

  // One field's text against its rules (whole number, bounds).
  function check(field, text) {
    const typed = read(text);
    if (typed.error) return typed;
    const value = typed.value;
    if (!Number.isFinite(value)) return {error: "calc_too_large", params: {max: field.max}};
    if (value <= 0) return {error: "calc_positive"};
    if (field.integer && !Number.isInteger(value)) return {error: "calc_whole"};
    if (value < field.min) return {error: "calc_too_small", params: {min: field.min}};
    if (value > field.max) return {error: "calc_too_large", params: {max: field.max}};
    return {value};
  }

  // Fields that a select's other option hides (spec.conditions): they are not read.
  function hidden(spec, selected) {
    const keys = new Set();
    if (!selected) return keys;
    for (const rule of spec.conditions || []) {
      if (rule.choice in selected && selected[rule.choice] !== rule.value) rule.fields.forEach(key => keys.add(key));
    }
    return keys;
  }

  // Every field, then the rule joining two fields: K must divide N. A hidden field is not
  // checked; its value is NaN, which a formula may carry only in a branch it does not take.
  function validate(spec, texts, selected) {
    const values = {};
    const errors = {};
    const skipped = hidden(spec, selected);
    for (const field of spec.fields) {
      if (skipped.has(field.key)) {
        values[field.key] = NaN;
        continue;
      }
      const result = check(field, texts[field.key]);
      if (result.error) errors[field.key] = result;
      else values[field.key] = result.value;
    }
    for (const field of spec.fields) {
      const other = field.divides;
      if (other && !skipped.has(field.key) && !skipped.has(other) && field.key in values && other in values
          && values[other] % values[field.key] !== 0) {
        errors[field.key] = {error: "calc_divides", params: {other: values[other]}};
        delete values[field.key];
      }
    }
    return {values, errors};
  }

  // The generated formulas in order; a result that `binds` a symbol is an input to later ones.
  function evaluate(spec, formulas, values, selected) {
    const env = {};
    for (const field of spec.fields) env[field.symbol] = values[field.key];
    for (const choice of spec.choices) {
      if (choice.symbol) env[choice.symbol] = choice.values[selected[choice.key]];
    }
    const results = {};
    for (const output of spec.outputs) {
      const formula = formulas[output.name];
      const args = formula.args.map(name => {
        if (typeof env[name] !== "number") throw new Error(`${output.name}: no value for ${name}`);
        return env[name];
      });
      results[output.name] = formula.f(...args);
      if (output.binds) env[output.binds] = results[output.name];
    }
    return results;
  }

  // Results fit to show: yes/no answers and finite numbers only.
  function usable(results) {
    return Object.values(results).every(v => typeof v === "boolean" || Number.isFinite(v));
  }

  // ---- formatting -----------------------------------------------------------------------------

  function number(value, spec) {
    const plain = new Intl.NumberFormat(spec.locale, {maximumSignificantDigits: spec.digits});
    const size = Math.abs(value);
    if (value === 0 || (size >= PLAIN_RANGE[0] && size < PLAIN_RANGE[1])) return plain.format(value);
    const [mantissa, exponent] = value.toExponential(spec.digits - 1).split("e");
    const power = exponent.replace("+", "").split("").map(c => SUPERSCRIPT[c]).join("");
    return `${plain.format(Number(mantissa))}×10${power}`;
  }

  // The largest unit of the ladder ([scale, template], ascending) that keeps the number ≥ 1 once rounded.
  function scaled(value, ladder, spec) {
    let [scale, template] = ladder[0];
    for (const [s, t] of ladder) {
      if (Number((value / s).toPrecision(spec.digits)) >= 1) [scale, template] = [s, t];
    }
    return template.replace("{}", number(value / scale, spec));
  }

  function compact(value, spec) {
    if (Math.abs(value) >= PLAIN_RANGE[1]) return number(value, spec);
    return new Intl.NumberFormat(spec.locale, {
      notation: "compact", compactDisplay: "long", maximumSignificantDigits: spec.digits,
    }).format(value);
  }

  function format(value, kind, spec) {
    if (kind === "fits") return spec.text[value ? "yes" : "no"];
    if (kind === "regime") return spec.text[value ? "compute_limited" : "memory_limited"];
    if (kind === "count") return compact(value, spec);
    return scaled(value, spec.units[kind], spec);
  }

  function message(spec, problem) {
    let text = spec.text[problem.error];
    for (const [name, value] of Object.entries(problem.params || {})) {
      text = text.replace(`{${name}}`, number(value, spec));
    }
    return text;
  }

  // ---- the page ---------------------------------------------------------------------------------

  const mounted = {};

  function mount(spec, formulas) {
    mounted[spec.id] = {spec, formulas};
    if (typeof document === "undefined") return; // Node: the tests call the functions above
    const form = document.getElementById(spec.id);
    if (!form) return;
    const input = key => form.elements.namedItem(key);
    const status = document.getElementById(`${spec.id}-status`);
    const choiceOf = group => spec.choices.find(c => c.key === group.choice);

    // A preset fills its fields; edited fields switch the select to the preset they match, or "custom".
    function fill(group) {
      const preset = choiceOf(group).presets[input(group.choice).value];
      if (preset) for (const key of group.fields) input(key).value = preset[key];
    }

    function follow(group) {
      const presets = choiceOf(group).presets;
      const current = group.fields.map(key => read(input(key).value).value);
      const matches = name => group.fields.every((key, i) => read(presets[name][key]).value === current[i]);
      const selected = input(group.choice).value;
      input(group.choice).value = selected in presets && matches(selected)
        ? selected : Object.keys(presets).find(matches) ?? "custom";
    }

    function mark(field, problem, skipped) {
      const element = input(field.key);
      const note = document.getElementById(`${element.id}-msg`);
      note.classList.toggle("calc-msg--error", Boolean(problem));
      if (skipped) {
        element.removeAttribute("aria-invalid");
        note.textContent = "";
      } else if (problem) {
        element.setAttribute("aria-invalid", "true");
        note.textContent = message(spec, problem);
      } else {
        element.removeAttribute("aria-invalid");
        note.textContent = field.hint ? "≈ " + scaled(read(element.value).value, spec.units[field.hint], spec) : "";
      }
    }

    function update() {
      const texts = Object.fromEntries(spec.fields.map(f => [f.key, input(f.key).value]));
      const selected = Object.fromEntries(spec.choices.map(c => [c.key, input(c.key).value]));
      for (const rule of spec.conditions || []) {
        const element = document.getElementById(rule.element);
        element.hidden = selected[rule.choice] !== rule.value;
        element.style.display = element.hidden ? "none" : ""; // the site's styles give fields a display
      }
      const {values, errors} = validate(spec, texts, selected);
      const skipped = hidden(spec, selected);
      for (const field of spec.fields) mark(field, errors[field.key], skipped.has(field.key));
      let results = null;
      if (Object.keys(errors).length === 0) {
        results = evaluate(spec, formulas, values, selected);
        if (!usable(results)) results = null;
      }
      form.classList.toggle("calc--invalid", !results);
      status.textContent = results ? "" : spec.text.calc_fix_fields;
      for (const output of spec.outputs) {
        const element = document.getElementById(`${spec.id}-out-${output.name}`);
        const value = results ? results[output.name] : null;
        element.textContent = results ? format(value, output.kind, spec) : spec.text.calc_no_result;
        element.dataset.state = typeof value !== "boolean" ? ""
          : output.kind === "fits" ? (value ? "ok" : "warn") : (value ? "compute" : "memory");
      }
    }

    // Only what differs from the defaults goes into the URL; a preset stands for its fields.
    function writeQuery() {
      const params = new URLSearchParams(location.search);
      const covered = new Set();
      for (const group of spec.groups) {
        if (input(group.choice).value !== "custom") group.fields.forEach(key => covered.add(key));
      }
      for (const choice of spec.choices) {
        const value = input(choice.key).value;
        if (value === choice.default) params.delete(choice.key);
        else params.set(choice.key, value);
      }
      for (const field of spec.fields) {
        const text = input(field.key).value.trim();
        if (covered.has(field.key) || text === field.default) params.delete(field.key);
        else params.set(field.key, text);
      }
      const query = params.toString();
      history.replaceState(history.state, "", `${location.pathname}${query ? "?" + query : ""}${location.hash}`);
    }

    function readQuery() {
      const params = new URLSearchParams(location.search);
      for (const choice of spec.choices) {
        const value = params.get(choice.key);
        const select = input(choice.key);
        if (value !== null && [...select.options].some(option => option.value === value)) select.value = value;
      }
      spec.groups.forEach(fill);
      for (const field of spec.fields) {
        const value = params.get(field.key);
        if (value !== null) input(field.key).value = value;
      }
      spec.groups.forEach(follow);
    }

    form.addEventListener("input", event => {
      const name = event.target.name;
      const chosen = spec.groups.find(group => group.choice === name);
      const edited = spec.groups.find(group => group.fields.includes(name));
      if (chosen) fill(chosen);
      if (edited) follow(edited);
      update();
      writeQuery();
    });
    form.addEventListener("submit", event => event.preventDefault());
    readQuery();
    update();
  }

  root.LLMCalculators = {read, check, hidden, validate, evaluate, usable, format, message, mount, mounted};
})(globalThis);
