"""The district departments named in the policy's task assignments, seeded by a migration.

(code, full name, short name as the policy writes it, kind). The policy names 区医保局 and
区残联 nowhere, but their rosters feed department data screening, so they are listed too.
"""

DEPARTMENTS = [
    ("xczx", "区乡村振兴局", "乡村振兴局", "bureau"),
    ("fgw", "区发展和改革委员会", "发改委", "bureau"),
    ("rsj", "区人力资源和社会保障局", "人社局", "bureau"),
    ("nyncj", "区农业农村局", "农业农村局", "bureau"),
    ("mzj", "区民政局", "民政局", "bureau"),
    ("zrzyj", "区自然资源局", "自然资源局", "bureau"),
    ("yjglj", "区应急管理局", "应急管理局", "bureau"),
    ("wjw", "区卫生健康委员会", "卫健委", "bureau"),
    ("xfjy", "区消防救援大队", "消防救援支队", "bureau"),
    ("zjj", "区住房和城乡建设局", "住建局", "bureau"),
    ("lyj", "区林业局", "林业局", "bureau"),
    ("wgxlj", "区文化广电新闻出版旅游局", "文广新旅局", "bureau"),
    ("swj", "区商务局", "商务局", "bureau"),
    ("czj", "区财政局", "财政局", "bureau"),
    ("rmyh", "中国人民银行广丰支行", "人民银行广丰支行", "other"),
    ("slj", "区水利局", "水利局", "bureau"),
    ("jrjg", "银保监广丰监管组", "银保监", "other"),
    ("jtysj", "区交通运输局", "交通运输局", "bureau"),
    ("sthjj", "区生态环境局", "生态环境局", "bureau"),
    ("zzb", "区委组织部", "区委组织部", "party"),
    ("xcb", "区委宣传部", "区委宣传部", "party"),
    ("jtj", "区教育体育局", "教体局", "bureau"),
    ("gafj", "区公安分局", "公安分局", "bureau"),
    ("zgh", "区总工会", "总工会", "mass"),
    ("tqw", "共青团广丰区委", "团区委", "mass"),
    ("fl", "区妇女联合会", "妇联", "mass"),
    ("ybj", "区医疗保障局", "医保局", "bureau"),
    ("cl", "区残疾人联合会", "残联", "mass"),
]
