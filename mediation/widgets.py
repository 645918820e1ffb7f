"""Form rendering that viewflow's Material frontend does not ship.

Viewflow renders a ``CheckboxSelectMultiple`` as ``<vf-field-checkbox-select>``, an
element its open-source JavaScript does not define, so the field would not appear.
``CheckboxGroup`` renders it as plain Material checkboxes, which need no JavaScript.
"""

from xml.etree import ElementTree

from django.utils.encoding import force_str
from viewflow.forms import Span
from viewflow.forms.renderers import WidgetRenderer

_CHECKMARK = "M1.73,12.91 8.1,19.28 22.79,4.59"


class CheckboxGroupRenderer(WidgetRenderer):
    def create_root(self, context):
        errors = self.bound_field.errors
        group = ElementTree.SubElement(
            self.root,
            "fieldset",
            {"class": "mp-checkbox-group" + (" mp-checkbox-group--invalid" if errors else "")},
        )
        ElementTree.SubElement(
            group, "legend", {"class": "mp-checkbox-group__label"}
        ).text = force_str(self.bound_field.label)
        options = ElementTree.SubElement(group, "div", {"class": "mp-checkbox-group__options"})
        for _name, choices, _index in context["widget"]["optgroups"]:
            for option in choices:
                self._append_option(options, option)
        if errors or self.bound_field.help_text:
            line = ElementTree.SubElement(group, "div", {"class": "mdc-text-field-helper-line"})
            ElementTree.SubElement(
                line,
                "div",
                {
                    "class": "mdc-text-field-helper-text mdc-text-field-helper-text--persistent"
                    + (" mdc-text-field-helper-text--validation-msg" if errors else "")
                },
            ).text = force_str(errors[0] if errors else self.bound_field.help_text)
        return group

    def _append_option(self, root, option):
        field = ElementTree.SubElement(root, "div", {"class": "mdc-form-field"})
        box = ElementTree.SubElement(field, "div", {"class": "mdc-checkbox"})
        attrs = {
            "type": "checkbox",
            "class": "mdc-checkbox__native-control",
            "name": option["name"],
            "value": force_str(option["value"]),
            "id": option["attrs"]["id"],
        }
        if option["attrs"].get("checked"):
            attrs["checked"] = "checked"
        ElementTree.SubElement(box, "input", attrs)
        background = ElementTree.SubElement(box, "div", {"class": "mdc-checkbox__background"})
        svg = ElementTree.SubElement(
            background, "svg", {"class": "mdc-checkbox__checkmark", "viewBox": "0 0 24 24"}
        )
        ElementTree.SubElement(
            svg, "path", {"class": "mdc-checkbox__checkmark-path", "fill": "none", "d": _CHECKMARK}
        )
        ElementTree.SubElement(background, "div", {"class": "mdc-checkbox__mixedmark"})
        ElementTree.SubElement(field, "label", {"for": option["attrs"]["id"]}).text = force_str(
            option["label"]
        )


class CheckboxGroup(Span):
    """A layout node: the field as a row of Material checkboxes."""

    def append(self, layout, form, root):
        layout.append_field(
            root, form[self.field_name], renderer_class=CheckboxGroupRenderer, layout_node=self
        )
