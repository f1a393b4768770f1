"""The server-side SVG bar chart: accessible (title, desc, numbers as text) and to scale."""

import re

from django.template import Context, Template

from frontend.templatetags.koppel import bar_chart_svg


def test_the_chart_has_a_title_a_description_and_every_number_as_text():
    html = bar_chart_svg([("1e keuze", 12), ("2e keuze", 5)], title="Rangprofiel", unit="studenten")
    assert 'role="img"' in html
    assert re.search(r"<title id=\"chart-\d+-title\">Rangprofiel</title>", html)
    assert "1e keuze: 12 studenten; 2e keuze: 5 studenten" in html
    assert '<th scope="row">2e keuze</th><td class="num">5</td>' in html


def test_the_longest_bar_fills_the_room_and_the_others_are_to_scale():
    html = bar_chart_svg([("a", 10), ("b", 5), ("c", 0)])
    widths = [float(w) for w in re.findall(r'<rect class="bar" [^>]*width="([\d.]+)"', html)]
    assert widths[0] > 0
    assert widths[1] == widths[0] / 2
    assert widths[2] == 0


def test_a_fixed_maximum_scales_percentages():
    html = bar_chart_svg([("gevuld", 50)], max_value=100)
    full = bar_chart_svg([("gevuld", 100)], max_value=100)
    half_width = float(re.search(r'<rect class="bar" [^>]*width="([\d.]+)"', html).group(1))
    full_width = float(re.search(r'<rect class="bar" [^>]*width="([\d.]+)"', full).group(1))
    assert half_width == full_width / 2


def test_two_charts_on_one_page_have_different_ids():
    first, second = bar_chart_svg([("a", 1)]), bar_chart_svg([("a", 1)])
    assert re.search(r'id="(chart-\d+)-title"', first).group(1) != re.search(
        r'id="(chart-\d+)-title"', second
    ).group(1)


def test_the_template_tag_takes_dicts_too():
    html = Template('{% load koppel %}{% bar_chart data title="Vulgraad" %}').render(
        Context({"data": [{"label": "Bakkerij", "value": 1.5}]})
    )
    assert "Bakkerij: 1.5" in html
