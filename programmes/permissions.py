from accounts.models import User

R = User.Role

_MODELS = [
    "workshop", "workshopworker", "reliefproject", "reliefworker", "loan", "loanrepayment", "loanextension",
    "product", "salesrecord", "benefitlink", "libraryproject", "fundallocation",
]  # fmt: skip
_READ = [
    *[f"programmes.view_{m}" for m in _MODELS],
    "programmes.view_saleschannel",
    "assistance.view_employmentrecord",
    "assistance.view_trainingrecord",
]
# Kept by the townships and sites, and by the bureaus that own the measures (发改委, 人社局, 农业农村局,
# 商务局, 财政局, 人民银行...): the scope decides which rows, so a bureau user sees rows only once the
# administrator gives them townships or the whole district.
_KEEP = [
    *_READ,
    *[f"programmes.add_{m}" for m in _MODELS],
    *[f"programmes.change_{m}" for m in _MODELS],
    "programmes.delete_salesrecord",
    "programmes.add_saleschannel",  # a site's own channels (SalesChannel.objects.kept_by)
    "programmes.change_saleschannel",
    "programmes.delete_workshopworker",  # a worker recorded by mistake
    "programmes.delete_reliefworker",
    "programmes.delete_benefitlink",
    "assistance.add_trainingrecord",
    "assistance.change_trainingrecord",
    "assistance.delete_trainingrecord",
]

ROLE_PERMISSIONS = {
    R.TOWNSHIP_STAFF: _KEEP,
    R.SETTLEMENT_STAFF: _KEEP,
    R.BUREAU_STAFF: _KEEP,
    R.HEAD: _READ,
    R.ADMIN: [
        *_KEEP,
        *[f"programmes.delete_{m}" for m in _MODELS],
        "programmes.view_programmesettings",
        "programmes.change_programmesettings",
    ],
}
