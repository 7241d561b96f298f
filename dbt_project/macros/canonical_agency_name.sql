{#- The canonical name of a publishing body, from the name as printed and its region (see dim_agencies):
    1. whitespace (also U+3000) removed, full-width digits, Latin letters and parentheses made half-width;
    2. a report title fused to the name by the parser is cut ("X政府信息公开工作情况的报告" -> "X");
    3. a bare department name gets its place: "科技局" in 吉林市 -> "吉林市科技局"; "县科技局" in 微山县 -> "微山县科技局". -#}
{% macro canonical_agency_name(name, county, city) -%}
    {%- set cleaned -%}
        translate(
            regexp_replace({{ name }}, '[\s\x{3000}]+', '', 'g'),
            '０１２３４５６７８９（）ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ',
            '0123456789()ABCDEFGHIJKLMNOPQRSTUVWXYZ'
        )
    {%- endset -%}
    {%- set untitled -%}
        coalesce(nullif(regexp_replace({{ cleaned }}, '((19|20)[0-9]{2}年度?)?(政府)?信息公开.*(报告|年报)$', ''), ''), {{ cleaned }})
    {%- endset -%}
    case
        when regexp_matches({{ untitled }}, '^[县区市旗][^省市县区旗镇乡]{1,15}(局|委员会|委|办公室|办|中心|所|队)$')
            and right(coalesce({{ county }}, {{ city }}, ''), 1) = left({{ untitled }}, 1)
            then coalesce({{ county }}, {{ city }}) || substr({{ untitled }}, 2)
        when regexp_matches({{ untitled }}, '^[^省市县区旗镇乡街]{1,15}(局|委员会|委|办公室|办|中心|所|队|协)$')
            and coalesce({{ county }}, {{ city }}) is not null
            then coalesce({{ county }}, {{ city }}) || {{ untitled }}
        else {{ untitled }}
    end
{%- endmacro %}
