//! 简体中文（默认语言）。

use super::Strings;

pub(super) const STRINGS: Strings = Strings {
    app_name: "驿站",
    app_tagline: "户外劳动者的口袋工会",
    skip_to_content: "跳到正文",
    nav_label: "主导航",
    nav_stations: "附近驿站",
    nav_coupons: "福利券",
    nav_join: "入会",
    nav_me: "我的",

    stations_title: "附近驿站",
    stations_intro: "找到离你最近、现在开门、有你需要的服务的爱心驿站：喝水、热饭、充电、如厕、休息。",
    coupons_title: "福利券",
    coupons_intro: "领取健身、心理咨询、体检和医疗优惠券，到场出示即可使用。",
    join_title: "入会与转会",
    join_intro: "在线申请加入工会，或把会员关系转到新的工会，并查看办理结果。",
    me_title: "我的",
    me_intro: "你的会员证、领过的券、提交的申请和设置都只保存在这台设备上。",

    language_heading: "语言",
    language_zh: "中文",
    language_en: "English",
    about_heading: "关于驿站",
    about_text: "驿站是一个完全在浏览器里运行的应用：没有账号，你的信息只保存在本机。驿站、福利券和工会信息来自工会发布的数据。",

    not_found_title: "没有找到这个页面",
    not_found_text: "链接可能有误，或者页面已经搬走了。",
    not_found_back: "回到附近驿站",

    storage_unavailable: "这台设备不能保存数据（可能是隐私模式）。你可以继续使用，但关闭页面后设置不会保留。",
    storage_full: "设备存储空间已满，刚才的更改没能保存。请清理一些空间后再试。",
    storage_corrupt: "本机保存的设置已损坏，已改用默认设置。",
};
