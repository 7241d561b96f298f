"""Traditional-Chinese mirrors of a report (申請, 復議, 縣): read as the simplified text they were converted from.

Mirror sites convert whole pages to traditional characters. The fold maps each traditional character to its
simplified form one for one, so every character span stays valid; a character that is also in use in simplified
text (著, 乾, 覆) is left alone.
"""

import re
from dataclasses import replace

from nianbao.document import Document, Paragraph, Table

_PAIRS = (
    "請请復复議议訴诉訟讼開开門门報报條条發发務务眾众為为個个這这會会縣县鎮镇區区鄉乡費费處处級级動动實实際际"
    "現现過过經经還还進进網网時时間间對对應应規规範范統统計计數数據据沒没無无問问題题辦办織织組组強强設设傳传"
    "達达長长東东關关論论項项負负責责將将業业質质領领導导納纳詢询從从員员訓训協协調调製制審审認认記记錄录層层"
    "屬属權权資资當当與与並并種种類类來来們们單单餘余約约萬万於于後后優优構构機机歸归檔档廳厅園园衛卫醫医藥药"
    "農农財财稅税環环驗验檢检測测營营銷销價价號号碼码電电話话郵邮編编聯联絡络書书黨党紀纪軍军國国廣广雲云貴贵"
    "陝陕遼辽寧宁龍龙蘇苏閩闽贛赣魯鲁粵粤瓊琼灣湾臺台內内鐵铁運运輸输橋桥執执諮咨訪访舉举熱热點点輿舆簡简歷历"
    "壓压態态勢势標标準准隨随緊紧總总結结減减額额覽览閱阅場场館馆紙纸專专職职講讲課课參参學学習习體体幹干覺觉"
    "親亲見见觀观視视則则證证護护響响興兴舊旧災灾險险斷断續续線线綫线紅红頭头蓋盖戶户鄰邻邊边幫帮貧贫廢废補补"
    "確确誤误錯错罰罚許许徵征購购採采決决漢汉語语聲声義义買买賣卖雜杂獲获兩两齊齐養养週周歲岁產产術术樣样圖图"
    "簽签節节島岛滿满勞劳夠够億亿階阶麼么誰谁識识啟启極极積积團团隊队謀谋劃划幣币獎奖懲惩彙汇剛刚陽阳陰阴雙双"
    "廈厦濟济蘭兰濱滨瀋沈鄭郑貿贸銀银錢钱愛爱戰战爭争師师紹绍繼继變变邏逻輯辑評评監监釋释賠赔償偿訊讯頻频稱称"
    "謂谓徑径驅驱裡里裏里禮礼廳厅異异導导嚴严廠厂價价習习團团鄉乡衝冲況况準准涼凉減减湯汤溝沟滅灭燈灯爐炉"
    "狀状獨独瑪玛盡尽監监碩硕確确禍祸離离穩稳積积窮穷筆笔築筑範范糧粮純纯級级細细紹绍終终絕绝給给統统絲丝綠绿"
    "維维綜综緝缉緣缘編编練练績绩繁繁罷罢羅罗義义聖圣聞闻聯联聽听腦脑臨临舉举艱艰莊庄華华葉叶著著蔣蒋藍蓝蘇苏"
    "處处號号蟲虫衆众補补裝装複复規规覽览訂订訊讯討讨訓训託托設设訪访診诊詞词該该詳详誌志認认誠诚說说誰谁課课"
    "調调談谈請请諾诺謝谢證证識识警警譯译護护讀读變变讓让豐丰負负貢贡財财貨货販贩責责貸贷費费貼贴資资賓宾賦赋"
    "質质購购贊赞趙赵躍跃車车軌轨軟软轉转輕轻載载較较輔辅輪轮農农迴回遠远適适遲迟遷迁選选遺遗鄧邓醜丑釋释針针"
    "鋼钢錄录鎖锁鏈链長长門门閉闭開开閒闲間间閘闸關关陳陈陸陆隊队階阶際际隨随險险隱隐雖虽雞鸡難难電电霧雾靜静"
    "韓韩順顺須须頒颁預预領领頻频題题額额顏颜願愿類类顧顾風风飛飞飯饭館馆馬马駐驻驗验體体髮发鬥斗魚鱼鳥鸟麥麦"
    "齒齿龜龟"
)
FOLD = str.maketrans({t: s for t, s in zip(_PAIRS[::2], _PAIRS[1::2]) if t != s})
_TRADITIONAL = re.compile("[" + "".join(chr(k) for k in FOLD) + "]")
_MIN_HITS = 3  # distinct traditional characters that make a text a traditional mirror (not one stray 於)


def is_traditional(text: str) -> bool:
    """Whether a text is a traditional-Chinese mirror: several distinct traditional-only characters."""
    hits = _TRADITIONAL.findall(text)
    return len(hits) >= _MIN_HITS and len(set(hits)) >= _MIN_HITS


def fold(doc: Document) -> Document:
    """The document in simplified characters when it is a traditional mirror (spans unchanged); else itself."""
    if not is_traditional(doc.text[:20_000]):
        return doc
    blocks = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            blocks.append(replace(b, text=b.text.translate(FOLD)))
        elif isinstance(b, Table):
            blocks.append(replace(b, cells=[replace(c, text=c.text.translate(FOLD)) for c in b.cells]))
        else:
            blocks.append(b)
    meta = {k: v.translate(FOLD) if isinstance(v, str) else v for k, v in doc.meta.items()}
    return replace(doc, blocks=blocks, text=doc.text.translate(FOLD), meta=meta)
