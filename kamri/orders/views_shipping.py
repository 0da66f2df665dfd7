"""The Livraison page: shipping rules per zone, the VAT rates per EU country (staff only: /admin/)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamri.orders.forms_shipping import ShippingRuleForm, VatRatesForm, zone_label
from kamri.orders.models_billing import ShippingRule, VatRate
from kamri.orders.shipping import rule_label, saved_or_default_rules
from kamri.orders.vat import DEFAULT_RATES, reset_defaults


def _context(rule_form=None, vat_form=None) -> dict:
    zones: dict[str, list] = {}
    saved = ShippingRule.objects.filter(zone="*").exists()
    for rule in saved_or_default_rules():
        zones.setdefault(rule.zone, []).append({"rule": rule, "label": rule_label(rule)})
    ordered = sorted(zones.items(), key=lambda item: (item[0] != "*", item[0] != "EU", zone_label(item[0])))
    rates = {**DEFAULT_RATES, **dict(VatRate.objects.values_list("country", "rate"))}
    return {
        "using_defaults": not saved,
        "zones": [{"zone": zone, "label": zone_label(zone), "rules": rules} for zone, rules in ordered],
        "rule_form": rule_form or ShippingRuleForm(initial={"zone": "*", "position": 1}),
        "vat_form": vat_form or VatRatesForm(rates=rates),
    }


def shipping(request):
    return render(request, "orders/shipping.html", _context())


@require_POST
def shipping_rule_add(request):
    form = ShippingRuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La règle n'a pas été ajoutée : corrigez les champs signalés."))
        return render(request, "orders/shipping.html", _context(rule_form=form), status=400)
    rule = form.save()
    messages.success(
        request,
        _("Règle ajoutée : %(label)s (%(zone)s).")
        % {"label": rule_label(rule), "zone": zone_label(rule.zone)},
    )
    return redirect("shipping:home")


@require_POST
def shipping_rule_delete(request, pk: int):
    rule = get_object_or_404(ShippingRule, pk=pk)
    label = rule_label(rule)
    rule.delete()
    messages.success(request, _("Règle supprimée : %(label)s.") % {"label": label})
    return redirect("shipping:home")


@require_POST
def vat_rates(request):
    if request.POST.get("action") == "defaults":
        reset_defaults()
        messages.success(request, _("Taux de TVA par défaut rétablis."))
        return redirect("shipping:home")
    form = VatRatesForm(request.POST, rates={})
    if not form.is_valid():
        messages.error(request, _("Les taux n'ont pas été enregistrés : corrigez les champs signalés."))
        return render(request, "orders/shipping.html", _context(vat_form=form), status=400)
    for country, rate in form.cleaned_data.items():
        VatRate.objects.update_or_create(country=country, defaults={"rate": rate})
    messages.success(request, _("Taux de TVA enregistrés."))
    return redirect("shipping:home")
