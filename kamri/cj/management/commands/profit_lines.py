"""The Rapport de marge's stored lines: fill the missing ones, rebuild them all, or check them."""

from django.core.management.base import BaseCommand, CommandError

from kamri.cj.reports import profit as profit_figures


class Command(BaseCommand):
    help = "Lignes du rapport de marge : écrire les manquantes, tout recalculer (--rebuild) ou vérifier (--check)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Recalculer toutes les lignes.")
        parser.add_argument("--check", action="store_true", help="Comparer les lignes au calcul direct.")

    def handle(self, *args, rebuild: bool = False, check: bool = False, **options):
        written = profit_figures.rebuild_profit_lines() if rebuild else profit_figures.refresh_profit_lines()
        if options.get("verbosity", 1):
            self.stdout.write(f"{written} ligne(s) écrite(s).")
        if check:
            differences = profit_figures.profit_line_differences()
            if differences:
                raise CommandError(
                    f"{differences} ligne(s) diffèrent du calcul direct : relancez avec --rebuild."
                )
            self.stdout.write("Les lignes sont égales au calcul direct.")
