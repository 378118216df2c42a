#!/usr/bin/env python3
"""Generate the FHIRDefinitions tables from the official FHIR R4 definitions.

Usage (from anywhere):

    python3 Scripts/generate_fhir_definitions.py [path/to/fhir/r4]

The r4 folder defaults to ``../shared/fhir/r4`` relative to the repository root
and must hold ``fhir.schema.json``, ``search-parameters.json`` and
``compartmentdefinition-patient.json``.  The output goes to
``Sources/FHIRDefinitions/Generated/`` (existing ``*.swift`` files there are
replaced).  The product never reads the r4 folder at run time: the generated
Swift is committed.

Each generated file holds one raw string literal in a line-oriented,
tab-separated format that the hand-written Swift in Sources/FHIRDefinitions
parses once, lazily.  Large Swift collection literals are avoided on purpose:
they make the Swift type checker very slow.

Formats (fields separated by one TAB, one record per line):

ResourceTypeData.text
    <ResourceType> TAB <R|D>          R = Resource, D = DomainResource

ElementTableData.text
    T TAB name TAB kind TAB jsonType TAB pattern TAB required
        kind: p (primitive), c (complex), r (resource); required is a
        comma-separated list; empty fields mean "none".
    E TAB name TAB type TAB isArray(0|1) TAB enum
        an element of the preceding T record; enum values joined with "|",
        empty when the schema gives no enum.

SearchParameterData.text
    P TAB url TAB code TAB type TAB targets        targets comma-separated
    B TAB baseType TAB expression TAB paths        one per base type of the
                                                   preceding P record
    C TAB definitionURL TAB expression TAB paths   a composite component of
                                                   the preceding B record,
                                                   paths relative to it
    U TAB text                                     an untranslated expression
    paths: ";"-separated; each path is "/" followed by "/"-separated JSON
    property names ("/" alone is the root), optionally followed by
    "@Type" when the FHIRPath filters references by target type.

PatientCompartmentData.text
    <ResourceType> TAB <param,param,...>    (only resource types in the compartment)
"""

import json
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Sources", "FHIRDefinitions", "Generated")
RESOURCE_LIST = "ResourceList"

# Search parameters on Resource that are not filters on resource content:
# `_query` selects a named query and is handled (or rejected) by the server itself.
SKIPPED_PARAMETERS = {"_query"}


def fail(message):
    sys.stderr.write("generate_fhir_definitions: " + message + "\n")
    sys.exit(1)


def load_json(folder, name):
    path = os.path.join(folder, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        fail("cannot read %s: %s" % (path, e))
    except ValueError as e:
        fail("%s is not valid JSON: %s" % (path, e))


def check_field(value, what):
    """Make sure a value can be written into the tab-separated format inside a raw string."""
    if not isinstance(value, str):
        fail("%s is not a string: %r" % (what, value))
    for bad in ("\t", "\n", "\r", '"""#', "\\#"):
        if bad in value:
            fail("%s contains %r, which the generated format cannot hold: %r" % (what, bad, value))
    return value


# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------


class Schema:
    """The types of fhir.schema.json, reduced to what the tables need."""

    def __init__(self, schema):
        if "definitions" not in schema:
            fail("fhir.schema.json has no 'definitions'")
        self.defs = schema["definitions"]
        mapping = (schema.get("discriminator") or {}).get("mapping") or {}
        resources = set(mapping.keys())
        if not resources:
            resources = {ref_name(x.get("$ref", "")) for x in schema.get("oneOf", [])}
        resources.discard(None)
        if not resources:
            fail("no resource types found in the schema's discriminator/mapping or oneOf")
        missing = sorted(r for r in resources if r not in self.defs)
        if missing:
            fail("resource types without a definition: %s" % ", ".join(missing))
        self.resources = resources
        self.primitives = sorted(
            n for n, v in self.defs.items() if "properties" not in v and "oneOf" not in v
        )
        # type name -> {element name -> (type, isArray, enum or None)}
        self.elements = {}
        for name, d in self.defs.items():
            if "properties" in d:
                self.elements[name] = {
                    p: self.property_type(name, p, pv) for p, pv in d["properties"].items()
                }

    def kind(self, name):
        if name in self.resources:
            return "r"
        if name in self.elements:
            return "c"
        return "p"

    def is_domain_resource(self, name):
        return name in self.resources and "text" in self.elements[name]

    def primitive_for_suffix(self, prop, pattern):
        """The primitive type of an inline-typed choice element like valueDateTime."""
        found = []
        for p in self.primitives:
            cap = p[0].upper() + p[1:]
            if prop.endswith(cap) and len(prop) > len(cap):
                found.append(p)
        if not found:
            return None
        found.sort(key=len, reverse=True)
        exact = [p for p in found if self.defs[p].get("pattern") == pattern]
        return exact[0] if exact else found[0]

    def property_type(self, owner, prop, pv):
        is_array = pv.get("type") == "array"
        item = pv.get("items", {}) if is_array else pv
        enum = item.get("enum")
        if "$ref" in item:
            t = ref_name(item["$ref"])
            if t is None:
                fail("%s.%s: unsupported $ref %r" % (owner, prop, item["$ref"]))
            if t not in self.defs:
                fail("%s.%s: $ref to unknown definition %s" % (owner, prop, t))
        elif "const" in item:
            t, enum = "code", [item["const"]]
        elif enum is not None:
            t = "code"
        elif "pattern" in item or "type" in item:
            t = self.primitive_for_suffix(prop, item.get("pattern"))
            if t is None:
                fail("%s.%s: cannot name the primitive type of an inline definition" % (owner, prop))
        else:
            fail("%s.%s: property shape not understood: %s" % (owner, prop, json.dumps(pv)[:200]))
        if enum is not None:
            for e in enum:
                check_field(e, "enum value of %s.%s" % (owner, prop))
                if "|" in e:
                    fail("enum value of %s.%s contains '|': %r" % (owner, prop, e))
        return (t, is_array, enum)


def ref_name(ref):
    prefix = "#/definitions/"
    if isinstance(ref, str) and ref.startswith(prefix):
        return ref[len(prefix):]
    return None


# ---------------------------------------------------------------------------
# FHIRPath (the subset used by search parameters)
# ---------------------------------------------------------------------------


class Untranslatable(Exception):
    pass


TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*')
      | (?P<num>[0-9]+(?:\.[0-9]+)?)
      | (?P<id>[A-Za-z_][A-Za-z0-9_]*|`[^`]*`)
      | (?P<op>!=|<=|>=|!~|[().|\[\],=<>&+\-*/~$%])
    )""",
    re.X,
)


def tokenize(text):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise Untranslatable("cannot tokenize at %r" % text[pos:pos + 20])
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "id" and value.startswith("`"):
            value = value[1:-1]
        tokens.append((kind, value, m.start(kind)))
        pos = m.end()
    return tokens


def split_union(text):
    """Split an expression at its top-level `|` into (part text) list."""
    tokens = tokenize(text)
    parts, depth, start = [], 0, 0
    for kind, value, at in tokens:
        if kind == "op" and value in "([":
            depth += 1
        elif kind == "op" and value in ")]":
            depth -= 1
        elif kind == "op" and value == "|" and depth == 0:
            parts.append(text[start:at].strip())
            start = at + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def root_name(part):
    """The first identifier of an expression part, e.g. `Observation` in `(Observation.value as Quantity)`."""
    for kind, value, _ in tokenize(part):
        if kind == "id":
            return value
        if not (kind == "op" and value == "("):
            return None
    return None


class Parser:
    """Parses a FHIRPath expression into alternatives: lists of operations.

    Operations: ("child", name), ("as", Type), ("resolveIs", Type).
    The first identifier of an absolute path is returned as ("root", name);
    relative expressions (composite components) start with a child step.
    Anything else raises Untranslatable.
    """

    FUNCTIONS_WITH_TYPE = {"as", "ofType"}

    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self, offset=0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else (None, None, len(self.text))

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, kind, value=None):
        k, v, at = self.take()
        if k != kind or (value is not None and v != value):
            raise Untranslatable("expected %s at %d" % (value or kind, at))
        return v

    def parse(self, absolute=True):
        alts = self.union(absolute)
        if self.peek()[0] is not None:
            k, v, at = self.peek()
            raise Untranslatable("unsupported %r at %d" % (v, at))
        return alts

    def union(self, absolute):
        alts = self.term(absolute)
        while self.peek()[:2] == ("op", "|"):
            self.take()
            alts += self.term(absolute)
        return alts

    def term(self, absolute):
        k, v, at = self.peek()
        if (k, v) == ("op", "("):
            self.take()
            alts = self.union(absolute)
            self.expect("op", ")")
        elif k == "id" and v not in ("as", "is", "and", "or"):
            self.take()
            alts = [[("root", v) if absolute else ("child", v)]]
        else:
            raise Untranslatable("unexpected %r at %d" % (v, at))
        while True:
            k, v, at = self.peek()
            if (k, v) == ("op", "."):
                self.take()
                name = self.expect("id")
                if self.peek()[:2] == ("op", "("):
                    op = self.function(name)
                else:
                    op = ("child", name)
                alts = [a + [op] for a in alts]
            elif (k, v) == ("id", "as"):
                self.take()
                type_name = self.expect("id")
                if self.peek()[:2] == ("op", "."):
                    raise Untranslatable("qualified type name after 'as'")
                alts = [a + [("as", type_name)] for a in alts]
            else:
                return alts

    def function(self, name):
        self.expect("op", "(")
        if name in self.FUNCTIONS_WITH_TYPE:
            type_name = self.expect("id")
            self.expect("op", ")")
            return ("as", type_name)
        if name == "where":
            # Only `where(resolve() is Type)` is a pure reference type filter.
            seq = [self.take() for _ in range(6)]
            shape = [(k, v) for k, v, _ in seq]
            if (
                shape[:4] == [("id", "resolve"), ("op", "("), ("op", ")"), ("id", "is")]
                and shape[4][0] == "id"
                and shape[5] == ("op", ")")
            ):
                return ("resolveIs", shape[4][1])
            raise Untranslatable("where() with a condition other than resolve() is Type")
        raise Untranslatable("function %s()" % name)


def capitalized(type_name):
    return type_name[0].upper() + type_name[1:]


class Resolver:
    """Checks parsed alternatives against the schema and turns them into JSON key paths."""

    def __init__(self, schema):
        self.schema = schema

    def choice_keys(self, owner, base):
        """Concrete keys of a choice element `base[x]` of `owner`: {TypeSuffix: key}."""
        result = {}
        for key in self.schema.elements.get(owner, {}):
            if key.startswith(base) and len(key) > len(base) and key[len(base)].isupper():
                suffix = key[len(base):]
                t = self.schema.elements[owner][key][0]
                # Only keys whose suffix names the element's own type are choices
                # (valueQuantity: Quantity, valueDateTime: dateTime); this rules
                # out unrelated elements that merely share a prefix.
                if capitalized(t) == suffix:
                    result[suffix] = key
        return result

    def resolve(self, ops, start_type):
        """Resolve one alternative from `start_type`. Returns [(steps, refType)]."""
        # A state: (steps, type, choice) where choice is None or (owner, base)
        # for a choice element not yet narrowed to one concrete key.
        states = [([], start_type, None, None)]
        for op, arg in ops:
            if op == "root":
                continue
            new_states = []
            for steps, t, choice, ref in states:
                if op == "child":
                    for st in self.expand(steps, t, choice, ref):
                        s2, t2 = st[0], st[1]
                        elements = self.schema.elements.get(t2)
                        if elements is None or t2 == RESOURCE_LIST:
                            continue
                        if arg in elements and not arg.startswith("_"):
                            new_states.append((s2 + [arg], elements[arg][0], None, st[3]))
                        elif self.choice_keys(t2, arg):
                            new_states.append((s2, t2, (t2, arg), st[3]))
                elif op == "as":
                    if choice is not None:
                        owner, base = choice
                        keys = self.choice_keys(owner, base)
                        key = keys.get(capitalized(arg))
                        if key is not None:
                            new_states.append((steps + [key], self.schema.elements[owner][key][0], None, ref))
                    elif t.lower() == arg.lower():
                        new_states.append((steps, t, None, ref))
                    else:
                        # A cast to another (e.g. profiled) type would need a
                        # run-time check that a key path cannot express.
                        raise Untranslatable("cast of %s to %s" % (t, arg))
                elif op == "resolveIs":
                    if arg not in self.schema.resources:
                        raise Untranslatable("resolve() is %s: not a resource type" % arg)
                    for st in self.expand(steps, t, choice, ref):
                        if st[1] == "Reference":
                            if st[3] is not None and st[3] != arg:
                                continue
                            new_states.append((st[0], st[1], None, arg))
                else:
                    raise Untranslatable("operation %s" % op)
            if not new_states:
                raise Untranslatable("no element matches %s(%s)" % (op, arg))
            states = new_states
        result = []
        for steps, t, choice, ref in states:
            for st in self.expand(steps, t, choice, ref):
                result.append((st[0], st[3], st[1]))
        return result

    def expand(self, steps, t, choice, ref):
        if choice is None:
            return [(steps, t, None, ref)]
        owner, base = choice
        keys = self.choice_keys(owner, base)
        return [
            (steps + [key], self.schema.elements[owner][key][0], None, ref)
            for key in sorted(keys.values(), key=lambda k: list(self.schema.elements[owner]).index(k))
        ]


def encode_paths(paths):
    out = []
    for steps, ref in paths:
        for s in steps:
            check_field(s, "path step")
            if any(c in s for c in "/;@"):
                fail("path step %r contains a reserved character" % s)
        text = "/" + "/".join(steps)
        if ref:
            text += "@" + ref
        out.append(text)
    return ";".join(out)


def dedupe(paths):
    seen, out = set(), []
    for steps, ref in paths:
        key = (tuple(steps), ref)
        if key not in seen:
            seen.add(key)
            out.append((steps, ref))
    return out


# ---------------------------------------------------------------------------
# Search parameters
# ---------------------------------------------------------------------------


def build_search_parameters(bundle, schema):
    resolver = Resolver(schema)
    lines, untranslated = [], []

    entries = bundle.get("entry")
    if not isinstance(entries, list):
        fail("search-parameters.json is not a Bundle with entries")
    for entry in entries:
        sp = entry.get("resource") or {}
        if sp.get("resourceType") != "SearchParameter":
            continue
        code, ptype, url = sp.get("code"), sp.get("type"), sp.get("url")
        bases = sp.get("base") or []
        if not code or not ptype or not url or not bases:
            fail("SearchParameter without code/type/url/base: %s" % sp.get("id"))
        if code in SKIPPED_PARAMETERS:
            continue
        targets = sp.get("target") or []
        for x in [code, ptype, url] + targets:
            check_field(x, "search parameter field")
            if "," in x:
                fail("search parameter field contains ',': %r" % x)
        lines.append("\t".join(["P", url, code, ptype, ",".join(targets)]))

        expression = sp.get("expression")
        parts = []
        if expression:
            check_field(expression, "expression of " + url)
            try:
                parts = split_union(expression)
            except Untranslatable:
                parts = [expression]

        for base in bases:
            if base not in ("Resource", "DomainResource") and base not in schema.resources:
                fail("%s: unknown base type %s" % (url, base))
            mine = []
            for part in parts:
                try:
                    r = root_name(part)
                except Untranslatable:
                    r = None
                if r is None:
                    # Cannot tell which type this part is for: record it once, for the first base.
                    if base == bases[0]:
                        untranslated.append("%s.%s: %s" % (base, code, part))
                    continue
                if r == base or r in ("Resource", "DomainResource"):
                    mine.append(part)
            # Resolve against a concrete type: for Resource/DomainResource, any
            # resource of that kind has the same elements.
            start = base
            if base == "Resource":
                start = "Bundle" if "Bundle" in schema.resources else sorted(schema.resources)[0]
            elif base == "DomainResource":
                start = "Patient" if "Patient" in schema.resources else sorted(
                    r for r in schema.resources if schema.is_domain_resource(r))[0]
            paths, end_types = [], set()
            for part in mine:
                try:
                    alts = Parser(part).parse(absolute=True)
                    found = []
                    for alt in alts:
                        root = alt[0][1]
                        if root not in (base, "Resource", "DomainResource"):
                            raise Untranslatable("mixed roots in one part")
                        found += resolver.resolve(alt, start)
                    for steps, ref, t in found:
                        paths.append((steps, ref))
                        end_types.add(t)
                except Untranslatable:
                    untranslated.append("%s.%s: %s" % (base, code, part))
            if expression and not mine:
                untranslated.append("%s.%s: (no part of the expression applies to %s) %s"
                                    % (base, code, base, expression))
            paths = dedupe(paths)
            lines.append("\t".join(["B", base, " | ".join(mine), encode_paths(paths)]))

            for comp in sp.get("component") or []:
                definition = comp.get("definition", "")
                cexpr = comp.get("expression", "")
                check_field(definition, "component definition of " + url)
                check_field(cexpr, "component expression of " + url)
                # Component paths are relative to each node the composite's own
                # paths reach; when those nodes have different types (e.g.
                # `Observation | Observation.component`) an alternative must
                # resolve on at least one of them.
                cpaths = []
                try:
                    for alt in Parser(cexpr).parse(absolute=False):
                        found = []
                        for context in sorted(end_types):
                            try:
                                found += [(s, r) for s, r, _ in resolver.resolve(alt, context)]
                            except Untranslatable:
                                pass
                        if not found:
                            raise Untranslatable("component does not resolve")
                        cpaths += found
                except Untranslatable:
                    cpaths = []
                if not cpaths:
                    untranslated.append("%s.%s (component %s): %s" % (base, code, definition, cexpr))
                lines.append("\t".join(["C", definition, cexpr, encode_paths(dedupe(cpaths))]))

    for u in untranslated:
        lines.append("U\t" + check_field(u, "untranslated text"))
    return lines, untranslated


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def element_lines(schema):
    lines = []
    for name in sorted(schema.defs):
        if name == RESOURCE_LIST:
            continue  # "any resource": elements of that type are dispatched on resourceType
        d = schema.defs[name]
        kind = schema.kind(name)
        json_type = pattern = ""
        if kind == "p":
            json_type = d.get("type") or "string"  # xhtml has no JSON type; it is a string in JSON
            pattern = d.get("pattern") or ""
        required = d.get("required") or []
        for x in [name, json_type, pattern] + required:
            check_field(x, "definition " + name)
        lines.append("\t".join(["T", name, kind, json_type, pattern, ",".join(required)]))
        for el, (t, is_array, enum) in schema.elements.get(name, {}).items():
            check_field(el, "element of " + name)
            lines.append("\t".join(["E", el, t, "1" if is_array else "0",
                                    "|".join(enum) if enum is not None else ""]))
    return lines


def compartment_lines(compartment, schema):
    if compartment.get("resourceType") != "CompartmentDefinition":
        fail("compartmentdefinition-patient.json is not a CompartmentDefinition")
    lines = []
    for r in compartment.get("resource") or []:
        code, params = r.get("code"), r.get("param") or []
        if code not in schema.resources:
            fail("compartment resource %r is not a resource type" % code)
        for p in [code] + params:
            check_field(p, "compartment entry")
            if "," in p:
                fail("compartment parameter contains ',': %r" % p)
        if params:
            lines.append(code + "\t" + ",".join(params))
    return lines


HEADER = """// GENERATED FILE - DO NOT EDIT.
// Generated by Scripts/generate_fhir_definitions.py from the official FHIR R4 definitions
// ({source}). Regenerate with: python3 Scripts/generate_fhir_definitions.py [path/to/fhir/r4]
// Format: see the docstring of the generator script.

"""


def write_swift(name, type_name, doc, source, lines):
    body = "\n".join(lines)
    if '"""#' in body or "\\#" in body:
        fail("generated text for %s would break the raw string literal" % name)
    text = (
        HEADER.format(source=source)
        + "/// %s\n" % doc
        + "enum %s {\n" % type_name
        + "    static let text = #\"\"\"\n"
        + body
        + "\n\"\"\"#\n}\n"
    )
    path = os.path.join(OUT_DIR, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path, len(text.encode("utf-8"))


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        sys.stderr.write(__doc__)
        return 2
    folder = argv[1] if len(argv) == 2 else os.path.join(REPO_ROOT, "..", "shared", "fhir", "r4")
    folder = os.path.abspath(folder)

    schema = Schema(load_json(folder, "fhir.schema.json"))
    bundle = load_json(folder, "search-parameters.json")
    compartment = load_json(folder, "compartmentdefinition-patient.json")

    sp_lines, untranslated = build_search_parameters(bundle, schema)
    resource_lines = [
        "%s\t%s" % (check_field(r, "resource type"), "D" if schema.is_domain_resource(r) else "R")
        for r in sorted(schema.resources)
    ]

    os.makedirs(OUT_DIR, exist_ok=True)
    for old in os.listdir(OUT_DIR):
        if old.endswith(".swift"):
            os.remove(os.path.join(OUT_DIR, old))

    source = "fhir.schema.json, search-parameters.json, compartmentdefinition-patient.json"
    outputs = [
        write_swift("ResourceTypeData.swift", "ResourceTypeData",
                    "Every R4 resource type: `name TAB R|D` (D = DomainResource).",
                    source, resource_lines),
        write_swift("ElementTableData.swift", "ElementTableData",
                    "Types and their elements from fhir.schema.json (T and E records).",
                    source, element_lines(schema)),
        write_swift("SearchParameterData.swift", "SearchParameterData",
                    "Search parameters with JSON key paths translated from FHIRPath (P, B, C, U records).",
                    source, sp_lines),
        write_swift("PatientCompartmentData.swift", "PatientCompartmentData",
                    "Patient compartment membership: `ResourceType TAB param,param`.",
                    source, compartment_lines(compartment, schema)),
    ]
    total = 0
    for path, size in outputs:
        total += size
        print("wrote %s (%d bytes)" % (os.path.relpath(path, REPO_ROOT), size))
    print("total %d bytes" % total)
    print("%d untranslated expressions:" % len(untranslated))
    for u in untranslated:
        print("  " + u)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
