"""The import-linter contract type behind CareCircle's module boundaries (docs/architecture.md).

``public_surface``: every package directly inside ``container`` (carecircle.registry,
carecircle.homecare, … and any module added later, without listing it) is a domain module. Another
package may import a domain module only through its public surface: the submodules named in
``public`` (``services``, ``selectors``, ``types``; a surface split into a package, e.g.
``homecare/services/orders.py``, counts too) and the few modules listed in ``extra_public`` with
their reason in the docs. The packages in ``shared`` (``carecircle.core``) may be imported by
everyone and import no domain module themselves. Imports inside functions count: grimp reads them.

Run by ``lint-imports`` (``[tool.importlinter]`` in pyproject.toml names this type).
"""

from __future__ import annotations

import grimp
from importlinter.application import contract_utils, output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    container = fields.StringField()
    public = fields.ListField(subfield=fields.StringField())
    shared = fields.ListField(subfield=fields.StringField(), required=False)
    extra_public = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        import_removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        container = str(self.container)
        depth = container.count(".") + 1
        public = {str(name) for name in self.public}  # type: ignore[attr-defined]
        shared = {str(name) for name in (self.shared or [])}  # type: ignore[attr-defined]
        extra = {str(name) for name in (self.extra_public or [])}  # type: ignore[attr-defined]

        def owner(module: str) -> str | None:
            parts = module.split(".")
            if len(parts) <= depth or ".".join(parts[:depth]) != container:
                return None
            return ".".join(parts[: depth + 1])

        def within(module: str, names: set[str]) -> bool:
            return any(module == name or module.startswith(name + ".") for name in names)

        violations = []
        for importer in sorted(graph.modules):
            importer_owner = owner(importer)
            if importer_owner is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_owner = owner(imported)
                if imported_owner is None or imported_owner == importer_owner:
                    continue
                if imported_owner in shared:
                    continue
                if importer_owner in shared:
                    reason = f"{importer_owner} is shared by every module and imports none of them"
                elif imported == imported_owner or within(imported, extra):
                    continue
                elif imported.split(".")[depth + 1] in public:
                    continue
                else:
                    reason = f"not in {imported_owner}'s public surface ({', '.join(sorted(public))})"
                lines = sorted(
                    {
                        detail["line_number"]
                        for detail in graph.get_import_details(importer=importer, imported=imported)
                    }
                )
                violations.append(
                    {"importer": importer, "imported": imported, "lines": lines, "reason": reason}
                )
        return ContractCheck(
            kept=not violations,
            warnings=list(import_removal.warnings),
            ignored_import_count=import_removal.ignored_import_count,
            metadata={"violations": violations},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            lines = ", ".join(f"l.{number}" for number in violation["lines"])
            output.print_error(
                f"{violation['importer']} -> {violation['imported']} ({lines}): {violation['reason']}",
                bold=False,
            )
        output.new_line()
        output.print(
            "Call the owning module's services/selectors (or its types) instead; "
            "docs/architecture.md lists what is public and why."
        )
